import Foundation
import XCTest

/// `spendtop bench` on small inputs: the Kafka and frame rows carry figures. Nothing here checks
/// a speed, because the debug build and a shared machine make every figure vary.
final class BenchEndToEndTests: XCTestCase {
    /// Returns the table row whose measurement starts with `prefix`, split into its columns
    /// (measurement, value, target, ratio, met), or nil when the table has no such row.
    private func row(_ prefix: String, in output: String) -> [String]? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        // Columns are separated by at least two spaces, and values such as "kcat not found" by one.
        return line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Returns `text` as a number when it is one, such as `1,234.5`.
    private func number(_ text: String?) -> Double? {
        text.flatMap { Double($0.replacingOccurrences(of: ",", with: "")) }
    }

    func testKafkaAndFrameRowsWithoutKcat() throws {
        // With a PATH without kcat, the kcat row must report the missing tool and the rest still run.
        let emptyFolder = FileManager.default.temporaryDirectory.appendingPathComponent("spendtop-bench-test-\(getpid())")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: emptyFolder) }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = emptyFolder.path

        let output = try BinaryRunner.run(["bench", "--quick", "--runs", "1", "--only", "kafka,frame"], environment: environment)

        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertFalse(output.stdout.contains("not measured yet"), output.stdout)
        for prefix in [
            "2. Kafka to engine, source + ingest", "2. Kafka source alone", "2. start to exit: source + ingest",
            "2. start to exit: source alone", "2. frame render 200x60", "2. frame data without window query",
            "2. whole frame with window query",
        ] {
            let columns = row(prefix, in: output.stdout)
            XCTAssertNotNil(columns, "no row '\(prefix)' in:\n\(output.stdout)")
            XCTAssertGreaterThan(number(columns?[1]) ?? 0, 0, "row '\(prefix)' has no positive value: \(columns ?? [])")
        }
        XCTAssertEqual(row("2. start to exit: kcat", in: output.stdout)?[1], "kcat not found", output.stdout)
        XCTAssertTrue(output.stderr.contains("make bench"), "the hint to install kcat is missing: \(output.stderr)")
        XCTAssertEqual(row("2. frame render 200x60", in: output.stdout)?[2], "<= 5")
        XCTAssertEqual(row("2. Kafka to engine", in: output.stdout)?[2], ">= 300,000")
    }

    func testKcatRowHasRate() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/kcat") }) else {
            throw XCTSkip("kcat is not installed; `make bench` installs it")
        }
        let output = try BinaryRunner.run(["bench", "--quick", "--runs", "1", "--only", "kafka"])

        XCTAssertEqual(output.status, 0, output.stderr)
        let columns = row("2. start to exit: kcat", in: output.stdout)
        XCTAssertGreaterThan(number(columns?[1]) ?? 0, 0, output.stdout)
        XCTAssertTrue(columns?[3].hasPrefix("x") ?? false, "the ratio to kcat is missing: \(columns ?? [])")
        XCTAssertNil(row("2. frame", in: output.stdout), "--only kafka also ran the frame: \(output.stdout)")
    }
}
