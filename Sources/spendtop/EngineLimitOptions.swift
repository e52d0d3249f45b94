import SpendAggregation

/// The options that bound the engine's memory, shared by the dashboard and `report`.
struct EngineLimitOptions {
    var maxMessageBytes = 1 << 20
    var maxUsers: Int?
    var maxWindowEvents: Int?
    var maxEventIDs: Int?
    var maxAllTimeCombinations: Int?

    static let help = """
          --max-users N         distinct users kept before the rest fold into "(other)" (default 100000)
          --max-window-events N events kept in the rolling windows; past it the oldest seconds
                                leave them early and the header says from when they are complete
                                (default 10000000, about 160 MB)
          --max-event-ids N     event ids remembered for deduplication (default 10000000)
          --max-all-time-combinations N
                                user, organization and group combinations whose events that left
                                the windows keep their own total in `all`; past it their users,
                                then organizations, count as "(other)" (default 1000000, at most
                                about 80 MB)
          --max-message-bytes N larger messages are skipped as invalid (default 1048576)
        """

    /// Parses `option` when it is a limit; returns false, reading nothing, otherwise.
    mutating func consume(option: String, reader: inout ArgumentReader) throws -> Bool {
        let name = ArgumentReader.name(of: option)
        switch name {
        case "--max-message-bytes":
            maxMessageBytes = try ArgumentReader.positiveInteger(try reader.value(for: option), option: name)
        case "--max-users":
            maxUsers = try ArgumentReader.positiveInteger(try reader.value(for: option), option: name)
        case "--max-window-events":
            maxWindowEvents = try ArgumentReader.positiveInteger(try reader.value(for: option), option: name)
        case "--max-event-ids":
            maxEventIDs = try ArgumentReader.positiveInteger(try reader.value(for: option), option: name)
        case "--max-all-time-combinations":
            maxAllTimeCombinations = try ArgumentReader.positiveInteger(try reader.value(for: option), option: name)
        default:
            return false
        }
        return true
    }

    func configuration() -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.decoder.maxMessageBytes = maxMessageBytes
        if let maxUsers { configuration.maxUsers = maxUsers }
        if let maxWindowEvents { configuration.maxWindowRecords = maxWindowEvents }
        if let maxEventIDs { configuration.maxRememberedEventIDs = maxEventIDs }
        if let maxAllTimeCombinations { configuration.maxAllTimeCombinations = maxAllTimeCombinations }
        return configuration
    }
}
