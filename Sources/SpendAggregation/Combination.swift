/// One combination of dimension values, each as an id from that dimension's ``KeyInterner``.
///
/// Events are stored under their combination, so a filter is evaluated once per combination
/// and the result reused for every event that shares it.
struct Combination: Hashable {
    var provider: UInt32
    var model: UInt32
    var service: UInt32
    var organization: UInt32
    var user: UInt32
    var requestType: UInt32
    var cached: Bool

    /// Returns this combination's id in `dimension`.
    @inline(__always)
    func id(_ dimension: Dimension) -> UInt32 {
        switch dimension {
        case .provider: return provider
        case .model: return model
        case .service: return service
        case .organization: return organization
        case .user: return user
        case .requestType: return requestType
        }
    }

    var hashValue64: UInt64 {
        var state = ByteHash.mix(UInt64(provider) << 32 | UInt64(model))
        state = ByteHash.mix(state ^ (UInt64(service) << 32 | UInt64(organization)))
        state = ByteHash.mix(state ^ (UInt64(user) << 32 | UInt64(requestType)))
        return ByteHash.mix(state ^ (cached ? 1 : 2))
    }
}

/// Assigns ids to combinations; never forgets one, because the `all` window keeps their totals.
struct CombinationTable {
    private(set) var combinations: [Combination] = []
    /// Open-addressing slots: 0 when empty, else the id plus one in the low `idBits` bits and,
    /// above them, that many high bits of the combination's hash as a tag.
    ///
    /// A slot count of 2^idBits holds at most half as many combinations, so an id plus one
    /// fits in `idBits` bits, and the tag has the other 32 - idBits bits: 22 at first, 9 for
    /// 4 million combinations. Probing compares a combination only when the tags match,
    /// because each comparison reads a random entry of `combinations`, usually a cache miss.
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 10)
    private var idBits = 10

    var count: Int { combinations.count }

    subscript(id: UInt32) -> Combination { combinations[Int(id)] }

    /// Returns the id of `combination`, adding it when new. `added` is true for a new one.
    mutating func id(of combination: Combination) -> (id: UInt32, added: Bool) {
        let hash = combination.hashValue64
        let mask = slots.count - 1
        let idMask = Self.idMask(idBits)
        let tag = Self.tag(hash, idBits: idBits)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let entry = slots[slot]
            if entry & ~idMask == tag {
                let id = (entry & idMask) - 1
                if combinations[Int(id)] == combination { return (id, false) }
            }
            slot = (slot + 1) & mask
        }
        let id = UInt32(combinations.count)
        combinations.append(combination)
        slots[slot] = tag | (id + 1)
        if combinations.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The mask of the low `idBits` bits of a slot.
    @inline(__always)
    private static func idMask(_ idBits: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(idBits)) - 1)
    }

    /// The high 32 - `idBits` bits of `hash`, placed above the id bits of a slot.
    @inline(__always)
    private static func tag(_ hash: UInt64, idBits: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> 32) & ~idMask(idBits)
    }

    private mutating func grow() {
        var newSlots = Array(repeating: UInt32(0), count: slots.count * 2)
        let newIDBits = idBits + 1
        let mask = newSlots.count - 1
        for (index, combination) in combinations.enumerated() {
            let hash = combination.hashValue64
            var slot = Int(truncatingIfNeeded: hash) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Self.tag(hash, idBits: newIDBits) | UInt32(index + 1)
        }
        slots = newSlots
        idBits = newIDBits
    }
}
