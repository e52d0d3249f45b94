#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The last of SIGINT, SIGTERM or SIGHUP received, 0 for none. A signal handler may only do
/// async-signal-safe work, so it stores the number here and the run loop does the rest.
private let receivedSignal = Atomic<Int32>(0)

/// Catches SIGINT, SIGTERM and SIGHUP so the run loop can restore the terminal and exit.
///
/// Install before ``Terminal`` starts: ncurses installs its own SIGINT and SIGTERM handlers
/// only where the handler is still the default one, and those exit without the program's
/// own cleanup.
public enum TerminationSignals {
    public static func install() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                receivedSignal.store(number, ordering: .relaxed)
            }
            sigemptyset(&action.sa_mask)
            // Without SA_RESTART a blocking read returns early, so the loop checks the signal at once.
            action.sa_flags = 0
            sigaction(signalNumber, &action, nil)
        }
    }

    /// The signal received since start, or nil.
    public static var received: Int32? {
        let value = receivedSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Returns the exit status for a process ended by `signalNumber`: 128 plus the number, as shells report it.
    public static func exitStatus(for signalNumber: Int32) -> Int32 {
        128 + signalNumber
    }
}
