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
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 10)

    var count: Int { combinations.count }

    subscript(id: UInt32) -> Combination { combinations[Int(id)] }

    /// Returns the id of `combination`, adding it when new. `added` is true for a new one.
    mutating func id(of combination: Combination) -> (id: UInt32, added: Bool) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: combination.hashValue64) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if combinations[Int(id)] == combination { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(combinations.count)
        combinations.append(combination)
        slots[slot] = id + 1
        if combinations.count * 2 > slots.count { grow() }
        return (id, true)
    }

    private mutating func grow() {
        var newSlots = Array(repeating: UInt32(0), count: slots.count * 2)
        let mask = newSlots.count - 1
        for (index, combination) in combinations.enumerated() {
            var slot = Int(truncatingIfNeeded: combination.hashValue64) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = UInt32(index + 1)
        }
        slots = newSlots
    }
}
