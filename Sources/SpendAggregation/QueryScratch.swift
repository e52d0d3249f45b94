/// Buffers that a query's ``WindowScan`` uses, kept from one query to the next so that a
/// dashboard redrawing every second does not fault in fresh pages for them each time.
///
/// Per user, organization and group id it keeps 64 bytes of sums and 8 bytes of slice offsets
/// and cursors. It also keeps 6 bytes of latency codes per record that the largest query so far
/// matched, and room for as many unsorted report rows (128 bytes each) as the largest
/// dimension had.
final class QueryScratch {
    private var sums = ScratchBuffer<ScanSums>(alignment: 64)
    private var offsets = ScratchBuffer<Int32>(alignment: 4)
    private var cursors = ScratchBuffer<Int32>(alignment: 4)
    private var codes = ScratchBuffer<UInt16>(alignment: 2)
    /// Room for rows built in key id order before they are moved into sorted order. No row in
    /// it is initialized between queries.
    private(set) var rowBuffer = UnsafeMutablePointer<ReportRow>.allocate(capacity: 1)
    private var rowCapacity = 1
    private(set) var userSums: UnsafeMutablePointer<ScanSums>
    private(set) var organizationSums: UnsafeMutablePointer<ScanSums>
    private(set) var groupSums: UnsafeMutablePointer<ScanSums>
    /// Start of each id's slice of codes, with one more entry for the end of the last slice.
    private(set) var userOffsets: UnsafeMutablePointer<Int32>
    private(set) var organizationOffsets: UnsafeMutablePointer<Int32>
    private(set) var groupOffsets: UnsafeMutablePointer<Int32>
    /// Next free position in each id's slice while gathering.
    private(set) var userCursors: UnsafeMutablePointer<Int32>
    private(set) var organizationCursors: UnsafeMutablePointer<Int32>
    private(set) var groupCursors: UnsafeMutablePointer<Int32>
    private(set) var userCodes: UnsafeMutablePointer<UInt16>
    private(set) var organizationCodes: UnsafeMutablePointer<UInt16>
    private(set) var groupCodes: UnsafeMutablePointer<UInt16>

    init() {
        userSums = sums.pointer
        organizationSums = sums.pointer
        groupSums = sums.pointer
        userOffsets = offsets.pointer
        organizationOffsets = offsets.pointer
        groupOffsets = offsets.pointer
        userCursors = cursors.pointer
        organizationCursors = cursors.pointer
        groupCursors = cursors.pointer
        userCodes = codes.pointer
        organizationCodes = codes.pointer
        groupCodes = codes.pointer
    }

    deinit {
        sums.free()
        offsets.free()
        cursors.free()
        codes.free()
        rowBuffer.deallocate()
    }

    /// Makes room for `count` rows in ``rowBuffer``, which must hold no initialized row.
    func reserveRows(_ count: Int) {
        guard count > rowCapacity else { return }
        rowBuffer.deallocate()
        rowCapacity = count
        rowBuffer = UnsafeMutablePointer<ReportRow>.allocate(capacity: count)
    }

    /// Zeroes the sums of every id, aligned to 64 bytes so that each is one cache line.
    func prepareSums(userCount: Int, organizationCount: Int, groupCount: Int) {
        let count = userCount + organizationCount + groupCount
        sums.reserve(count)
        sums.pointer.update(repeating: ScanSums(), count: count)
        userSums = sums.pointer
        organizationSums = userSums + userCount
        groupSums = organizationSums + organizationCount
    }

    /// Sets each id's slice from the requests summed, and sizes the codes for them.
    func prepareGathering(userCount: Int, organizationCount: Int, groupCount: Int) {
        let idCount = userCount + organizationCount + groupCount + 3
        offsets.reserve(idCount)
        cursors.reserve(idCount)
        var position = 0
        var matched = 0
        for (sums, count) in [(userSums, userCount), (organizationSums, organizationCount), (groupSums, groupCount)] {
            var total: Int32 = 0
            for id in 0..<count {
                offsets.pointer[position] = total
                position += 1
                total += Int32(truncatingIfNeeded: sums[id].requests)
            }
            offsets.pointer[position] = total
            position += 1
            matched = Int(total)
        }
        cursors.pointer.update(from: offsets.pointer, count: idCount)
        codes.reserve(3 * matched)
        userOffsets = offsets.pointer
        organizationOffsets = userOffsets + userCount + 1
        groupOffsets = organizationOffsets + organizationCount + 1
        userCursors = cursors.pointer
        organizationCursors = userCursors + userCount + 1
        groupCursors = organizationCursors + organizationCount + 1
        userCodes = codes.pointer
        organizationCodes = userCodes + matched
        groupCodes = organizationCodes + matched
    }
}

/// Uninitialized memory for `capacity` trivial values, grown on demand and never shrunk.
struct ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity = 1
    let alignment: Int

    init(alignment: Int) {
        self.alignment = alignment
        pointer = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Element>.stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: 1)
    }

    /// Makes room for `count` values; the old contents are lost when it grows.
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        UnsafeMutableRawPointer(pointer).deallocate()
        capacity = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Element>.stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: count)
    }

    func free() {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
