/// One query's work over the records of a window: sums per user, organization and group, then
/// the latency codes of every matching record gathered by row for the percentiles.
///
/// Records carry a user, an organization and a group id, and the provider, model, service and
/// request-type rows are unions of groups, so each matching record updates three sums. The
/// percentiles need each row's latencies, so a second pass over the same records writes each
/// record's ``LatencyCode`` into three arrays, sliced by user, by organization and by group.
/// That takes 6 bytes per matching record while the query runs, in a ``QueryScratch`` that the
/// next query reuses.
///
/// Totals kept outside the rolling windows (``AllTimeTotals``) are added to the sums after the
/// second pass: they count in every sum and in the maximum latency, but carry no latencies for
/// the percentiles.
struct WindowScan {
    let matcher: RecordMatcher
    let cachedFlags: [Bool]
    private let scratch: QueryScratch
    private let userCount: Int
    private let organizationCount: Int
    private let groupCount: Int
    /// Sums of the all-time totals by user, organization and group, when any were added.
    private var allTimeUsers: [RowSums] = []
    private var allTimeOrganizations: [RowSums] = []
    private var allTimeGroups: [RowSums] = []

    init(matcher: RecordMatcher, cachedFlags: [Bool], userCount: Int, organizationCount: Int, scratch: QueryScratch) {
        self.matcher = matcher
        self.cachedFlags = cachedFlags
        self.scratch = scratch
        self.userCount = userCount
        self.organizationCount = organizationCount
        groupCount = cachedFlags.count
        scratch.prepareSums(userCount: userCount, organizationCount: organizationCount, groupCount: groupCount)
    }

    /// Adds the matching records of one second to the sums; returns their spend in micro-dollars.
    func sum(_ records: StoredRecordView) -> Int64 {
        let matcher = matcher
        let users = scratch.userSums
        let organizations = scratch.organizationSums
        let groups = scratch.groupSums
        var spend: Int64 = 0
        cachedFlags.withUnsafeBufferPointer { cachedFlags in
            for record in records.compact {
                let user = record.user
                let organization = record.organization
                let group = record.group
                guard matcher.matches(user: user, organization: organization, group: group) else { continue }
                let cached = cachedFlags[group]
                users[user].add(record, cached: cached)
                organizations[organization].add(record, cached: cached)
                groups[group].add(record, cached: cached)
                spend &+= record.costMicros(cached: cached)
            }
            for record in records.wide {
                let user = Int(record.user)
                let organization = Int(record.organization)
                let group = Int(record.group)
                guard matcher.matches(user: user, organization: organization, group: group) else { continue }
                let cached = cachedFlags[group]
                users[user].add(record, cached: cached)
                organizations[organization].add(record, cached: cached)
                groups[group].add(record, cached: cached)
                spend &+= record.costMicros
            }
        }
        return spend
    }

    /// Sizes each id's slice of codes from the requests summed so far.
    func startGathering() {
        scratch.prepareGathering(userCount: userCount, organizationCount: organizationCount, groupCount: groupCount)
    }

    /// Writes the latency code of each matching record of one second into its rows' slices.
    /// Must see the same records as `sum`, after `startGathering`.
    func gather(_ records: StoredRecordView) {
        let matcher = matcher
        let userCursors = scratch.userCursors
        let organizationCursors = scratch.organizationCursors
        let groupCursors = scratch.groupCursors
        let userCodes = scratch.userCodes
        let organizationCodes = scratch.organizationCodes
        let groupCodes = scratch.groupCodes
        @inline(__always)
        func put(_ code: UInt16, _ user: Int, _ organization: Int, _ group: Int) {
            userCodes[Int(userCursors[user])] = code
            userCursors[user] += 1
            organizationCodes[Int(organizationCursors[organization])] = code
            organizationCursors[organization] += 1
            groupCodes[Int(groupCursors[group])] = code
            groupCursors[group] += 1
        }
        LatencyCode.table.withUnsafeBufferPointer { table in
            for record in records.compact {
                let user = record.user
                let organization = record.organization
                let group = record.group
                guard matcher.matches(user: user, organization: organization, group: group) else { continue }
                let latency = record.latencyMilliseconds
                let code = latency < table.count ? table[Int(latency)] : LatencyCode.code(of: latency)
                put(code, user, organization, group)
            }
        }
        for record in records.wide {
            let user = Int(record.user)
            let organization = Int(record.organization)
            let group = Int(record.group)
            guard matcher.matches(user: user, organization: organization, group: group) else { continue }
            put(LatencyCode.code(of: Int64(record.latencyMilliseconds)), user, organization, group)
        }
    }

    /// Adds an all-time total when it matches the filter.
    mutating func add(_ total: CombinationTotal) {
        let group = Int(total.group)
        guard matcher.matches(user: Int(total.user), organization: Int(total.organization), group: group) else { return }
        if allTimeGroups.isEmpty {
            allTimeUsers = [RowSums](repeating: RowSums(), count: userCount)
            allTimeOrganizations = [RowSums](repeating: RowSums(), count: organizationCount)
            allTimeGroups = [RowSums](repeating: RowSums(), count: groupCount)
        }
        let sums = total.sums(cached: cachedFlags[group])
        allTimeUsers[Int(total.user)].merge(sums)
        allTimeOrganizations[Int(total.organization)].merge(sums)
        allTimeGroups[group].merge(sums)
    }

    /// Returns the scan's sums of one id plus its all-time sums.
    @inline(__always)
    private static func sums(_ scan: UnsafeMutablePointer<ScanSums>, _ allTime: [RowSums], _ id: Int) -> RowSums {
        var sums = scan[id].rowSums
        if !allTime.isEmpty { sums.merge(allTime[id]) }
        return sums
    }

    /// Returns the total row and the rows of every dimension, sorted by ``rowOrder(_:_:)``.
    ///
    /// `keyValues(dimension)` returns the texts of a dimension's key ids. The code slices are
    /// sorted in place, so this is the last step of a scan.
    func rows(groups: [KeyGroup], keyValues: (Dimension) -> [String?]) -> (ReportRow, [Dimension: [ReportRow]]) {
        var histogram = [UInt32](repeating: 0, count: LatencyCode.count)
        var rows: [Dimension: [ReportRow]] = [:]
        let groupSums = (0..<groupCount).map { Self.sums(scratch.groupSums, allTimeGroups, $0) }
        let groupOffsets = scratch.groupOffsets
        let groupCodes = scratch.groupCodes

        // Each group's latencies as (code, count) pairs, which the total and the provider, model,
        // service and request-type rows merge: far fewer pairs than codes.
        var pairStarts = [Int](repeating: 0, count: groupCount + 1)
        var pairCodes: [UInt16] = []
        var pairCounts: [UInt32] = []
        for group in 0..<groupCount {
            pairStarts[group] = pairCodes.count
            let slice = UnsafeMutableBufferPointer(start: groupCodes + Int(groupOffsets[group]), count: Int(groupOffsets[group + 1] - groupOffsets[group]))
            for code in slice { histogram[Int(code)] += 1 }
            for code in slice where histogram[Int(code)] != 0 {
                pairCodes.append(code)
                pairCounts.append(histogram[Int(code)])
                histogram[Int(code)] = 0
            }
        }
        pairStarts[groupCount] = pairCodes.count

        func percentiles(ofGroups members: [Int]) -> LatencyPercentiles {
            var count = 0
            for group in members {
                for pair in pairStarts[group]..<pairStarts[group + 1] {
                    histogram[Int(pairCodes[pair])] += pairCounts[pair]
                    count += Int(pairCounts[pair])
                }
            }
            let percentiles = histogram.withUnsafeBufferPointer { LatencyCode.percentiles(histogram: $0, count: count) }
            for group in members {
                for pair in pairStarts[group]..<pairStarts[group + 1] { histogram[Int(pairCodes[pair])] = 0 }
            }
            return percentiles
        }

        var total = RowSums()
        for sums in groupSums { total.merge(sums) }
        let usedGroups = groupSums.indices.filter { groupSums[$0].requests > 0 }
        let totalRow = total.row(key: nil, percentiles: percentiles(ofGroups: usedGroups))

        for dimension in [Dimension.provider, .model, .service, .requestType] {
            var members: [UInt32: [Int]] = [:]
            for group in usedGroups {
                members[groups[group].id(dimension), default: []].append(group)
            }
            var sumsByID: [UInt32: RowSums] = [:]
            for (id, memberGroups) in members {
                var sums = RowSums()
                for group in memberGroups { sums.merge(groupSums[group]) }
                sumsByID[id] = sums
            }
            let values = keyValues(dimension)
            var order = sumsByID.map { RowOrderKey(spendMicros: $0.value.spendMicros, requests: $0.value.requests, id: $0.key) }
            Self.sortRows(&order, values: values)
            rows[dimension] = order.map { entry in
                sumsByID[entry.id]!.row(key: values[Int(entry.id)], percentiles: percentiles(ofGroups: members[entry.id]!))
            }
        }

        rows[.organization] = sliceRows(
            count: organizationCount, sums: scratch.organizationSums, allTime: allTimeOrganizations,
            offsets: scratch.organizationOffsets, codes: scratch.organizationCodes,
            histogram: &histogram, values: keyValues(.organization)
        )
        rows[.user] = sliceRows(
            count: userCount, sums: scratch.userSums, allTime: allTimeUsers,
            offsets: scratch.userOffsets, codes: scratch.userCodes,
            histogram: &histogram, values: keyValues(.user)
        )
        return (totalRow, rows)
    }

    /// Rows of a dimension whose ids each have their own slice of codes.
    private func sliceRows(
        count: Int, sums: UnsafeMutablePointer<ScanSums>, allTime: [RowSums],
        offsets: UnsafeMutablePointer<Int32>, codes: UnsafeMutablePointer<UInt16>,
        histogram: inout [UInt32], values: [String?]
    ) -> [ReportRow] {
        var order: [RowOrderKey] = []
        for id in 0..<count {
            let requests = Int64(sums[id].requests) + (allTime.isEmpty ? 0 : allTime[id].requests)
            guard requests > 0 else { continue }
            let spend = sums[id].spendMicros &+ (allTime.isEmpty ? 0 : allTime[id].spendMicros)
            order.append(RowOrderKey(spendMicros: spend, requests: requests, id: UInt32(id)))
        }
        Self.sortRows(&order, values: values)
        var rows: [ReportRow] = []
        rows.reserveCapacity(order.count)
        histogram.withUnsafeMutableBufferPointer { histogram in
            for entry in order {
                let id = Int(entry.id)
                let slice = UnsafeMutableBufferPointer(start: codes + Int(offsets[id]), count: Int(offsets[id + 1] - offsets[id]))
                let percentiles = Self.percentiles(slice, histogram: histogram)
                rows.append(Self.sums(sums, allTime, id).row(key: values[id], percentiles: percentiles))
            }
        }
        return rows
    }

    /// The percentiles of `codes`: sorted in place when few, else counted in `histogram`, which
    /// is all zeros before and after.
    private static func percentiles(_ codes: UnsafeMutableBufferPointer<UInt16>, histogram: UnsafeMutableBufferPointer<UInt32>) -> LatencyPercentiles {
        if codes.count <= 64 {
            return LatencyCode.percentiles(sorting: codes)
        }
        for code in codes { histogram[Int(code)] += 1 }
        let percentiles = LatencyCode.percentiles(histogram: UnsafeBufferPointer(histogram), count: codes.count)
        for code in codes { histogram[Int(code)] = 0 }
        return percentiles
    }

    /// Sorts `order` by ``rowOrder(_:_:)``, comparing key texts only on ties of spend and requests.
    private static func sortRows(_ order: inout [RowOrderKey], values: [String?]) {
        order.sort()
        // Runs that tie on spend and requests are put in key order afterwards.
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, order[end].spendMicros == order[start].spendMicros, order[end].requests == order[start].requests {
                end += 1
            }
            if end - start > 1 {
                order[start..<end].sort { lhs, rhs in
                    switch (values[Int(lhs.id)], values[Int(rhs.id)]) {
                    case let (left?, right?): return left < right
                    case (_?, nil): return true
                    default: return false
                    }
                }
            }
            start = end
        }
    }
}

/// A row's place in ``rowOrder(_:_:)`` up to its key text: spend, then requests, highest first.
struct RowOrderKey: Comparable {
    var spendMicros: Int64
    var requests: Int64
    var id: UInt32

    @inline(__always)
    static func < (lhs: RowOrderKey, rhs: RowOrderKey) -> Bool {
        if lhs.spendMicros != rhs.spendMicros { return lhs.spendMicros > rhs.spendMicros }
        if lhs.requests != rhs.requests { return lhs.requests > rhs.requests }
        return lhs.id < rhs.id
    }
}
