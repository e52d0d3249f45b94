import Foundation

/// Runs the subcommand named by the first argument and returns the exit status.
func runMain(_ arguments: [String]) -> Int32 {
    var rest = Array(arguments.dropFirst())
    let command = rest.first ?? ""
    do {
        switch command {
        case "report":
            rest.removeFirst()
            return try runReport(rest)
        case "broker":
            rest.removeFirst()
            return try runBroker(rest)
        case "emit":
            rest.removeFirst()
            return try runEmit(rest)
        case "bench":
            rest.removeFirst()
            return try runBench(rest)
        case "--help", "-h", "help":
            print(mainHelp)
            return 0
        case let option where option.hasPrefix("-"):
            return try runDashboardCommand(rest)
        default:
            throw UsageError(message: "unknown command '\(command)'; commands are report, broker and emit, or start the dashboard with options only.")
        }
    } catch let error as UsageError {
        printError("spendtop: \(error.message)")
        return 64
    } catch let error as RuntimeFailure {
        printError("spendtop: \(error.message)")
        return 1
    } catch {
        printError("spendtop: \(error)")
        return 1
    }
}

let mainHelp = """
    spendtop: a terminal dashboard for live LLM spend.

    usage:
      spendtop -b HOST:PORT [KAFKA] [VIEW]   the dashboard on a Kafka topic
      spendtop --file PATH|- [VIEW]           the dashboard on a JSON-lines file
      spendtop --demo [--demo-rate N] [VIEW]  embedded broker + synthetic traffic + the dashboard
      spendtop report [SOURCE] [VIEW] [--format table|json|csv|screen]   print totals; see report --help
      spendtop broker [--partitions N]     run an embedded Kafka broker on 127.0.0.1, print its address
      spendtop emit -b HOST:PORT [--rate N] [--count N | --duration D] [--seed N] [--incident SPEC]
                                           publish synthetic cost events; see emit --help
      spendtop bench [--runs N] [--quick]   measure speed and memory (release build)
      spendtop --help

    VIEW:
    \(ViewOptions.help)

    KAFKA:
    \(kafkaSourceOptionsHelp)

    LIMITS:
    \(EngineLimitOptions.help)

    Also: --log-file PATH (mode 0600) and --debug, which logs each skipped message.
    Keys in the dashboard: ? shows them all; q quits.
    """

exit(runMain(CommandLine.arguments))
