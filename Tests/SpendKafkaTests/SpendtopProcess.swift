import Foundation

/// The built `spendtop` binary, run as a child process.
final class SpendtopProcess {
    /// `.build/debug/spendtop` in the package root; `make test` builds it before the tests run.
    static let executable = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/spendtop")

    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()

    /// Starts `spendtop` with `arguments`.
    init(_ arguments: [String]) throws {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Reads standard output up to the first newline, waiting at most `timeout` seconds.
    func readFirstLine(timeout: Double) -> String? {
        let handle = output.fileHandleForReading
        let done = DispatchSemaphore(value: 0)
        let line = LineBox()
        Thread {
            var bytes: [UInt8] = []
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            line.value = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return line.value
    }

    /// Sends `signal` and waits up to `timeout` seconds for the exit status; nil on timeout.
    func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Runs `spendtop` to completion (killing it after `timeout` seconds) and returns its exit
    /// status, standard output and standard error.
    static func run(_ arguments: [String], timeout: Double = 60) throws -> (status: Int32, output: String, errors: String) {
        let child = try SpendtopProcess(arguments)
        let outputData = DataBox()
        let errorData = DataBox()
        let readers = DispatchGroup()
        for (pipe, box) in [(child.output, outputData), (child.errors, errorData)] {
            readers.enter()
            Thread {
                box.value = pipe.fileHandleForReading.readDataToEndOfFile()
                readers.leave()
            }.start()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while child.process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if child.process.isRunning {
            kill(child.process.processIdentifier, SIGKILL)
        }
        child.process.waitUntilExit()
        readers.wait()
        return (child.process.terminationStatus, String(decoding: outputData.value, as: UTF8.self), String(decoding: errorData.value, as: UTF8.self))
    }
}

private final class LineBox: @unchecked Sendable {
    var value: String?
}

private final class DataBox: @unchecked Sendable {
    var value = Data()
}

/// Parses the numbers in emit's summary line `emitted N events, spend_usd X.XXXXXX, cache_hits N`.
func parseEmitSummary(_ output: String) -> (events: Int, spend: String, cacheHits: Int)? {
    let words = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
    guard words.count == 7, words[0] == "emitted", words[2] == "events,", words[3] == "spend_usd", words[5] == "cache_hits",
          let events = Int(words[1]), let hits = Int(words[6]), words[4].hasSuffix(",") else { return nil }
    return (events, String(words[4].dropLast()), hits)
}
