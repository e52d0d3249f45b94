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
        case "bench":
            rest.removeFirst()
            return try runBench(rest)
        case "--help", "-h", "help":
            print(mainHelp)
            return 0
        default:
            throw UsageError(message: "unknown command '\(command)'; commands are report, broker and emit.")
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
      spendtop report [SOURCE] [VIEW] [--format table|json|csv]
      spendtop bench [--runs N] [--quick]   measure speed and memory (release build)
      spendtop --help
    """

exit(runMain(CommandLine.arguments))
