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
        var pairs = GroupLatencyPairs(groupCount: groupCount)
        histogram.withUnsafeMutableBufferPointer { histogram in
            for group in 0..<groupCount {
                let slice = UnsafeMutableBufferPointer(start: groupCodes + Int(groupOffsets[group]), count: Int(groupOffsets[group + 1] - groupOffsets[group]))
                pairs.append(group: group, codes: slice, histogram: histogram)
            }
        }

        func percentiles(ofGroups members: [Int]) -> LatencyPercentiles {
            histogram.withUnsafeMutableBufferPointer { pairs.percentiles(ofGroups: members, histogram: $0) }
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
            order.sort { $0.id < $1.id }
            Self.sortRows(&order, keys: { values[Int($0)] })
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
        // Rows are built in id order, so that sums, offsets, codes and key texts are read in
        // order, then moved (not copied) into sorted order.
        scratch.reserveRows(count)
        let built = scratch.rowBuffer
        var order: [RowOrderKey] = []
        var keyIDs: [UInt32] = []
        histogram.withUnsafeMutableBufferPointer { histogram in
            for id in 0..<count {
                let scanned = sums[id]
                guard scanned.requests > 0 || (!allTime.isEmpty && allTime[id].requests > 0) else { continue }
                var rowSums = scanned.rowSums
                if !allTime.isEmpty { rowSums.merge(allTime[id]) }
                let slice = UnsafeMutableBufferPointer(start: codes + Int(offsets[id]), count: Int(offsets[id + 1] - offsets[id]))
                (built + order.count).initialize(to: rowSums.row(key: values[id], percentiles: Self.percentiles(slice, histogram: histogram)))
                order.append(RowOrderKey(spendMicros: rowSums.spendMicros, requests: rowSums.requests, id: UInt32(order.count)))
                keyIDs.append(UInt32(id))
            }
        }
        Self.sortRows(&order, keys: { values[Int(keyIDs[Int($0)])] })
        return [ReportRow](unsafeUninitializedCapacity: order.count) { rows, initialized in
            for (position, entry) in order.enumerated() {
                (rows.baseAddress! + position).moveInitialize(from: built + Int(entry.id), count: 1)
            }
            initialized = order.count
        }
    }

    /// Returns the percentiles of `codes`, sorting them in place when few and else counting
    /// them in `histogram`, which is all zeros before and after.
    private static func percentiles(_ codes: UnsafeMutableBufferPointer<UInt16>, histogram: UnsafeMutableBufferPointer<UInt32>) -> LatencyPercentiles {
        if codes.count <= 64 {
            return LatencyCode.percentiles(sorting: codes)
        }
        for code in codes { histogram[Int(code)] += 1 }
        let percentiles = LatencyCode.percentiles(histogram: UnsafeBufferPointer(histogram), count: codes.count)
        for code in codes { histogram[Int(code)] = 0 }
        return percentiles
    }

    /// Sorts `order`, whose ids must be increasing, by ``rowOrder(_:_:)``, comparing key texts
    /// only on ties of spend and requests.
    private static func sortRows(_ order: inout [RowOrderKey], keys: (UInt32) -> String?) {
        if order.count > 256 {
            radixSort(&order)
        } else {
            order.sort()
        }
        // Runs that tie on spend and requests are put in key order: short runs by insertion,
        // long ones (such as every user whose events were all cache hits) by a comparison sort.
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, order[end].spendMicros == order[start].spendMicros, order[end].requests == order[start].requests {
                end += 1
            }
            if end - start > 16 {
                order[start..<end].sort { keyPrecedes(keys($0.id), keys($1.id)) }
            } else if end - start > 1 {
                for index in (start + 1)..<end {
                    let entry = order[index]
                    let key = keys(entry.id)
                    var position = index
                    while position > start, keyPrecedes(key, keys(order[position - 1].id)) {
                        order[position] = order[position - 1]
                        position -= 1
                    }
                    order[position] = entry
                }
            }
            start = end
        }
    }

    /// Returns whether `lhs` comes first in the key order of ``rowOrder(_:_:)``: by text, missing keys last.
    @inline(__always)
    static func keyPrecedes(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case let (left?, right?): return left < right
        case (_?, nil): return true
        default: return false
        }
    }
}

extension WindowScan {
    /// Sorts `order`, whose ids must be increasing, by spend, then requests, highest first, and
    /// then by id. It is a least-significant-digit radix sort on bytes of requests and then of
    /// spend, so ties keep their id order, and it skips the bytes where every entry is the same.
    /// Rows of users run to 100,000 per query, where a comparison sort took several milliseconds.
    static func radixSort(_ order: inout [RowOrderKey]) {
        guard let first = order.first else { return }
        // Highest first, so the keys are inverted. Spend may be negative, so its sign bit is
        // flipped first to order it as unsigned.
        func spendKey(_ entry: RowOrderKey) -> UInt64 { ~(UInt64(bitPattern: entry.spendMicros) ^ (1 << 63)) }
        func requestsKey(_ entry: RowOrderKey) -> UInt64 { ~UInt64(bitPattern: entry.requests) }
        // Bits in which some entry differs from the first. A byte with none of them is skipped.
        var spendBits: UInt64 = 0
        var requestsBits: UInt64 = 0
        for entry in order {
            spendBits |= spendKey(entry) ^ spendKey(first)
            requestsBits |= requestsKey(entry) ^ requestsKey(first)
        }
        var passes: [(spend: Bool, shift: UInt64)] = []
        for byte in 0..<8 where (requestsBits >> UInt64(byte * 8)) & 0xFF != 0 { passes.append((false, UInt64(byte * 8))) }
        for byte in 0..<8 where (spendBits >> UInt64(byte * 8)) & 0xFF != 0 { passes.append((true, UInt64(byte * 8))) }
        guard !passes.isEmpty else { return }
        var source = order
        var target = order
        var counts = [Int](repeating: 0, count: 256)
        @inline(__always)
        func pass(_ key: (RowOrderKey) -> UInt64, shift: UInt64) {
            source.withUnsafeBufferPointer { source in
                target.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for index in counts.indices { counts[index] = 0 }
                        for entry in source { counts[Int((key(entry) >> shift) & 0xFF)] += 1 }
                        var position = 0
                        for index in counts.indices {
                            let count = counts[index]
                            counts[index] = position
                            position += count
                        }
                        for entry in source {
                            let digit = Int((key(entry) >> shift) & 0xFF)
                            target[counts[digit]] = entry
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&source, &target)
        }
        for (spend, shift) in passes {
            if spend { pass(spendKey, shift: shift) } else { pass(requestsKey, shift: shift) }
        }
        order = source
    }
}

/// The latencies of each group as (code, count) pairs, in one array for all groups.
struct GroupLatencyPairs {
    private var starts: [Int]
    private var codes: [UInt16] = []
    private var counts: [UInt32] = []

    init(groupCount: Int) {
        starts = [Int](repeating: 0, count: groupCount + 1)
    }

    /// Appends the pairs of `group`, which must follow the group appended before it; `histogram`
    /// is all zeros before and after.
    mutating func append(group: Int, codes groupCodes: UnsafeMutableBufferPointer<UInt16>, histogram: UnsafeMutableBufferPointer<UInt32>) {
        starts[group] = codes.count
        for code in groupCodes { histogram[Int(code)] += 1 }
        for code in groupCodes where histogram[Int(code)] != 0 {
            codes.append(code)
            counts.append(histogram[Int(code)])
            histogram[Int(code)] = 0
        }
        starts[group + 1] = codes.count
    }

    /// Returns the percentiles of the latencies of `members`, counted in `histogram`, which is
    /// all zeros before and after.
    func percentiles(ofGroups members: [Int], histogram: UnsafeMutableBufferPointer<UInt32>) -> LatencyPercentiles {
        var total = 0
        codes.withUnsafeBufferPointer { codes in
            counts.withUnsafeBufferPointer { counts in
                for group in members {
                    for pair in starts[group]..<starts[group + 1] {
                        histogram[Int(codes[pair])] += counts[pair]
                        total += Int(counts[pair])
                    }
                }
            }
        }
        let percentiles = LatencyCode.percentiles(histogram: UnsafeBufferPointer(histogram), count: total)
        codes.withUnsafeBufferPointer { codes in
            for group in members {
                for pair in starts[group]..<starts[group + 1] { histogram[Int(codes[pair])] = 0 }
            }
        }
        return percentiles
    }
}

/// A row's place in ``rowOrder(_:_:)`` up to its key text: spend, then requests, highest first.
struct RowOrderKey: Comparable {
    var spendMicros: Int64
    var requests: Int64
    /// The key id of the row, or its index among rows built before sorting.
    var id: UInt32

    @inline(__always)
    static func < (lhs: RowOrderKey, rhs: RowOrderKey) -> Bool {
        if lhs.spendMicros != rhs.spendMicros { return lhs.spendMicros > rhs.spendMicros }
        if lhs.requests != rhs.requests { return lhs.requests > rhs.requests }
        return lhs.id < rhs.id
    }
}
