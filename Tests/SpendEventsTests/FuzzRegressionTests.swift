import Foundation
import XCTest
@testable import SpendEvents

/// Inputs that break, or broke before a fix, an invariant of Fuzz/DecoderFuzzer.swift.
final class FuzzRegressionTests: XCTestCase {
    func testTokenSumOverflowIsSkipped() {
        let data = "\"provider\": \"p\", \"model\": \"m\", \"cost_estimate_usd\": 0.1, \"response_time_ms\": 5, "
            + "\"token_usage\": {\"prompt_tokens\": 9223372036854775807, \"completion_tokens\": 1}"
        let (event, reason, detail) = decode(envelope(data: data))
        XCTAssertNil(event, "total tokens: \(event?.totalTokens ?? 0)")
        XCTAssertEqual(reason, .invalid)
        XCTAssertEqual(detail, "data.token_usage.prompt_tokens is out of range")
    }

    /// Counts are capped at UInt32.max, so the sum of the two largest counts fits in an Int64.
    func testLargestTokenSumIsKept() throws {
        let data = "\"provider\": \"p\", \"model\": \"m\", \"cost_estimate_usd\": 0.1, \"response_time_ms\": 5, "
            + "\"token_usage\": {\"prompt_tokens\": 4294967295, \"completion_tokens\": 4294967295}"
        let event = try XCTUnwrap(decode(envelope(data: data)).0)
        XCTAssertEqual(event.totalTokens, 8_589_934_590)
    }

    /// Replays every saved fuzzer input and checks the number invariants and the event_id span.
    func testSavedFuzzInputsKeepInvariants() throws {
        let directory = FixtureFiles.directory.appendingPathComponent("fuzz/decoder")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty, "no inputs in \(directory.path)")
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
            bytes.withUnsafeBufferPointer { message in
                guard case .event(let fields) = MessageDecoder().decode(message, wallClockMilliseconds: wallClock) else {
                    return
                }
                XCTAssertGreaterThanOrEqual(fields.cost.micros, 0, name)
                XCTAssertGreaterThanOrEqual(fields.latencyMilliseconds, 0, name)
                XCTAssertGreaterThanOrEqual(fields.promptTokens, 0, name)
                XCTAssertGreaterThanOrEqual(fields.completionTokens, 0, name)
                XCTAssertGreaterThanOrEqual(fields.totalTokens, 0, name)
                XCTAssertLessThanOrEqual(Int(fields.eventID.start) + Int(fields.eventID.count), message.count, name)
            }
        }
    }
}
