/// A filter resolved against the engine's key and group tables, which matches a record from its
/// user, organization and group ids with array lookups.
///
/// The users are split into classes by which of the filter's user terms they match, and so are
/// the organizations. Most filters give one or two classes of each. The verdict of every
/// group for every pair of classes is then computed once. A filter with more than 64 terms on
/// users or on organizations, or whose verdict table would pass 2^24 entries, is instead
/// evaluated term by term for each record.
struct RecordMatcher {
    let filter: Filter
    /// Key and group counts the matcher was built for; a table that grew needs a new matcher.
    let userCount: Int
    let organizationCount: Int
    let groupCount: Int
    let matchesAll: Bool
    private let userClasses: [UInt32]
    private let organizationClasses: [UInt32]
    private let userClassCount: Int
    private let organizationClassCount: Int
    /// Verdicts by group, then user class, then organization class; empty when evaluating per record.
    private let verdicts: [Bool]
    private let resolved: ResolvedFilter
    private let groups: [KeyGroup]

    static let maxVerdicts = 1 << 24

    init(filter: Filter, keyValues: (Dimension) -> [String?], groups: [KeyGroup]) {
        self.filter = filter
        self.groups = groups
        resolved = ResolvedFilter(filter.expression, keyValues: keyValues)
        userCount = keyValues(.user).count
        organizationCount = keyValues(.organization).count
        groupCount = groups.count
        matchesAll = filter.isEmpty

        let (userClasses, userRepresentatives) = Self.classes(of: .user, in: resolved, idCount: userCount)
        let (organizationClasses, organizationRepresentatives) = Self.classes(of: .organization, in: resolved, idCount: organizationCount)
        let tableSize = groups.count * userRepresentatives.count * organizationRepresentatives.count
        guard !matchesAll, !userRepresentatives.isEmpty, !organizationRepresentatives.isEmpty,
              tableSize <= Self.maxVerdicts
        else {
            self.userClasses = []
            self.organizationClasses = []
            userClassCount = 0
            organizationClassCount = 0
            verdicts = []
            return
        }
        self.userClasses = userClasses
        self.organizationClasses = organizationClasses
        userClassCount = userRepresentatives.count
        organizationClassCount = organizationRepresentatives.count
        var verdicts: [Bool] = []
        verdicts.reserveCapacity(tableSize)
        for group in groups {
            for user in userRepresentatives {
                for organization in organizationRepresentatives {
                    verdicts.append(resolved.matches(Combination(user: user, organization: organization, group: group)))
                }
            }
        }
        self.verdicts = verdicts
    }

    @inline(__always)
    func matches(user: Int, organization: Int, group: Int) -> Bool {
        if matchesAll { return true }
        if verdicts.isEmpty {
            return resolved.matches(Combination(user: UInt32(user), organization: UInt32(organization), group: groups[group]))
        }
        // With one class, as for a filter without user or organization terms, the lookup is skipped.
        let userClass = userClassCount == 1 ? 0 : Int(userClasses[user])
        let organizationClass = organizationClassCount == 1 ? 0 : Int(organizationClasses[organization])
        return verdicts[(group * userClassCount + userClass) * organizationClassCount + organizationClass]
    }

    /// Splits the ids of `dimension` into classes with the same verdicts on every term of that
    /// dimension. Returns each id's class and one id of each class, or no classes when the
    /// filter has more than 64 such terms.
    private static func classes(of dimension: Dimension, in filter: ResolvedFilter, idCount: Int) -> ([UInt32], [UInt32]) {
        var terms: [[Bool]] = []
        filter.collectTerms(of: dimension, into: &terms)
        if terms.isEmpty {
            return ([UInt32](repeating: 0, count: idCount), [0])
        }
        guard terms.count <= 64 else { return ([], []) }
        var classOfMask: [UInt64: UInt32] = [:]
        var representatives: [UInt32] = []
        var classes = [UInt32](repeating: 0, count: idCount)
        var lastMask: UInt64?
        var lastClass: UInt32 = 0
        for id in 0..<idCount {
            var mask: UInt64 = 0
            for (bit, verdicts) in terms.enumerated() where id < verdicts.count && verdicts[id] {
                mask |= 1 << UInt64(bit)
            }
            // Neighbouring ids mostly share a class, so the last one is tried before the dictionary.
            if mask == lastMask {
                classes[id] = lastClass
            } else if let known = classOfMask[mask] {
                classes[id] = known
                lastMask = mask
                lastClass = known
            } else {
                let new = UInt32(representatives.count)
                classOfMask[mask] = new
                representatives.append(UInt32(id))
                classes[id] = new
                lastMask = mask
                lastClass = new
            }
        }
        return (classes, representatives)
    }
}
