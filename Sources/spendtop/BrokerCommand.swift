import Foundation
import SpendKafka

let brokerHelp = """
    usage: spendtop broker [--partitions N] [-t TOPIC]... [--delay MS] [--log-file PATH]

    Runs an embedded Kafka broker (librdkafka's mock cluster) on 127.0.0.1 with a port the system
    chooses, prints its bootstrap address alone on the first line of stdout, and stays up until
    SIGINT or SIGTERM.

    Signals simulate an outage for reliability tests: SIGUSR1 takes every broker down (clients
    lose their connections and new ones are refused), SIGUSR2 brings them back up. Messages
    already stored are kept, so a consumer can resume where it stopped.

      --partitions N     partitions of each topic (default 3)
      -t, --topic NAME   topic to create, repeatable (default \(KafkaSourceOptions.defaultTopic))
      --delay MS         delay every response by MS milliseconds, as a slow network would
                         (default 0)
      --log-file PATH    write librdkafka's log there (mode 0600)

    The broker keeps messages in memory, at most about 5 MiB per partition (about 5,500 events
    of 870 bytes); older messages are dropped. It serves live tails and demos, not long replays.
    It has no SASL, cannot add partitions to a topic, and answers every offsets-for-times lookup
    with -1, so --from with a time reads from the earliest message it still holds.
    """

/// Runs `spendtop broker`: starts the embedded broker, takes it down on SIGUSR1 and up on SIGUSR2,
/// and stops on SIGINT or SIGTERM.
func runBroker(_ arguments: [String]) throws -> Int32 {
    var reader = ArgumentReader(arguments)
    var partitions = 3
    var topics: [String] = []
    var logFilePath: String?
    var delayMilliseconds = 0
    while let option = reader.next() {
        switch ArgumentReader.name(of: option) {
        case "--partitions":
            partitions = try ArgumentReader.positiveInteger(try reader.value(for: option), option: "--partitions")
        case "-t", "--topic":
            topics.append(try reader.value(for: option))
        case "--log-file":
            logFilePath = try reader.value(for: option)
        case "--delay":
            delayMilliseconds = try ArgumentReader.positiveInteger(try reader.value(for: option), option: "--delay")
        case "-h", "--help":
            print(brokerHelp)
            return 0
        default:
            throw UsageError(message: "unknown broker option '\(option)'; see `spendtop broker --help`.")
        }
    }
    if topics.isEmpty {
        topics = [KafkaSourceOptions.defaultTopic]
    }

    // Block the handled signals before librdkafka starts its threads, which inherit the mask,
    // so that sigwait below receives them.
    var handledSignals = sigset_t()
    sigemptyset(&handledSignals)
    for signalNumber in [SIGINT, SIGTERM, SIGUSR1, SIGUSR2] {
        sigaddset(&handledSignals, signalNumber)
    }
    pthread_sigmask(SIG_BLOCK, &handledSignals, nil)

    let broker: EmbeddedBroker
    do {
        let logFile = try logFilePath.map { try KafkaLogFile(path: $0) }
        broker = try EmbeddedBroker(topics: Dictionary(topics.map { ($0, partitions) }, uniquingKeysWith: { first, _ in first }), logFile: logFile)
        if delayMilliseconds > 0 {
            try broker.setRoundTripTime(milliseconds: delayMilliseconds)
        }
    } catch let error as KafkaError {
        throw RuntimeFailure(message: error.message)
    }

    print(broker.bootstrapServers)
    // fflush(nil) flushes every C stream, stdout included, so the reader sees the line at once.
    fflush(nil)
    printError("spendtop: embedded broker listening on \(broker.bootstrapServers) with \(topics.joined(separator: ", ")) (\(partitions) partitions); stop it with Ctrl-C or SIGTERM.")

    while true {
        var received: Int32 = 0
        sigwait(&handledSignals, &received)
        guard received == SIGUSR1 || received == SIGUSR2 else { break }
        let down = received == SIGUSR1
        do {
            try broker.setBrokerDown(down)
            printError(down
                ? "spendtop: embedded broker down (SIGUSR1); send SIGUSR2 to bring it back."
                : "spendtop: embedded broker up again (SIGUSR2).")
        } catch let error as KafkaError {
            printError("spendtop: \(error.message)")
        }
    }
    broker.stop()
    printError("spendtop: embedded broker stopped.")
    return 0
}
