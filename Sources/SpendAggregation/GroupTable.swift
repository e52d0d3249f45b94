/// The dimension values of an event other than its user and organization, each as an id from
/// that dimension's ``KeyInterner``, with the cache flag.
///
/// Records carry a group id next to their user and organization ids. Traffic has few groups
/// (the benchmark's 100,000 users and 1,000 organizations share 288), so per-group totals and
/// filter verdicts are small arrays.
struct KeyGroup: Hashable {
    var provider: UInt32
    var model: UInt32
    var service: UInt32
    var requestType: UInt32
    var cached: Bool

    /// Returns the group that every group past the cap folds into: "(other)" in each dimension.
    static func other(cached: Bool) -> KeyGroup {
        let other = KeyInterner.otherID
        return KeyGroup(provider: other, model: other, service: other, requestType: other, cached: cached)
    }

    /// Returns this group's id in `dimension`, which must not be user or organization.
    @inline(__always)
    func id(_ dimension: Dimension) -> UInt32 {
        switch dimension {
        case .provider: return provider
        case .model: return model
        case .service: return service
        case .requestType: return requestType
        case .organization, .user: preconditionFailure("a group has no \(dimension) id")
        }
    }

    var hashValue64: UInt64 {
        let state = ByteHash.mix(UInt64(provider) << 32 | UInt64(model))
        return ByteHash.mix(state ^ (UInt64(service) << 33 | UInt64(requestType) << 1 | (cached ? 1 : 0)))
    }
}

/// The key ids of one event in every dimension, with its cache flag.
struct Combination {
    var user: UInt32
    var organization: UInt32
    var group: KeyGroup

    /// Returns this combination's id in `dimension`.
    @inline(__always)
    func id(_ dimension: Dimension) -> UInt32 {
        switch dimension {
        case .organization: return organization
        case .user: return user
        default: return group.id(dimension)
        }
    }
}

/// Assigns ids to groups, up to `maxGroups`; later new groups fold into ``KeyGroup/other(cached:)``.
///
/// Ids are never reused, because the all-time totals and the rolling windows refer to them.
struct GroupTable {
    let maxGroups: Int
    private(set) var groups: [KeyGroup] = []
    /// The cache flag of each group, by id, for the scans.
    private(set) var cachedFlags: [Bool] = []
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 8)
    /// Events whose group was new past the cap, counted once per event.
    private(set) var foldedOccurrences: Int64 = 0

    init(maxGroups: Int) {
        self.maxGroups = max(maxGroups, 0)
    }

    var count: Int { groups.count }

    subscript(id: UInt32) -> KeyGroup { groups[Int(id)] }

    /// Returns the id of `group`, adding it when new and under the cap.
    mutating func id(of group: KeyGroup) -> UInt32 {
        if let id = existingID(of: group) { return id }
        guard groups.count < maxGroups else {
            foldedOccurrences += 1
            let other = KeyGroup.other(cached: group.cached)
            return existingID(of: other) ?? add(other)
        }
        return add(group)
    }

    private func existingID(of group: KeyGroup) -> UInt32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: group.hashValue64) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if groups[Int(id)] == group { return id }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func add(_ group: KeyGroup) -> UInt32 {
        let id = UInt32(groups.count)
        groups.append(group)
        cachedFlags.append(group.cached)
        if groups.count * 2 > slots.count {
            grow()
        } else {
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: group.hashValue64) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = id + 1
        }
        return id
    }

    private mutating func grow() {
        var newSlots = Array(repeating: UInt32(0), count: slots.count * 2)
        let mask = newSlots.count - 1
        for (index, group) in groups.enumerated() {
            var slot = Int(truncatingIfNeeded: group.hashValue64) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = UInt32(index + 1)
        }
        slots = newSlots
    }
}
