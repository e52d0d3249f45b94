import Foundation

/// A command-line mistake: printed to stderr with the usage hint, exit status 64.
struct UsageError: Error {
    /// A full sentence that names the bad argument and gives the fix.
    let message: String
}

/// A failure while running: printed to stderr, exit status 1.
struct RuntimeFailure: Error {
    let message: String
}

/// Reads options from an argument list, kcat style: `-b VALUE`, `--window VALUE`, `--window=VALUE`.
struct ArgumentReader {
    private var arguments: [String]
    private var index = 0

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    /// Returns the next argument, or nil at the end.
    mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    /// Returns the value of `option`: the text after `=` in `--name=value`, else the next argument.
    mutating func value(for option: String) throws -> String {
        if let equals = option.firstIndex(of: "="), option.hasPrefix("--") {
            return String(option[option.index(after: equals)...])
        }
        guard let value = next() else {
            throw UsageError(message: "option \(option) needs a value; write it after the option, as in \(option) VALUE.")
        }
        return value
    }

    /// Returns the option name without an `=value` suffix.
    static func name(of option: String) -> String {
        guard option.hasPrefix("--"), let equals = option.firstIndex(of: "=") else { return option }
        return String(option[..<equals])
    }

    /// Parses a positive integer option value.
    static func positiveInteger(_ text: String, option: String) throws -> Int {
        guard let value = Int(text), value > 0 else {
            throw UsageError(message: "\(option) takes a positive whole number, not '\(text)'.")
        }
        return value
    }
}

/// Prints `text` to standard error with a trailing newline.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
