import Foundation
import XCTest
@testable import SpendEvents

/// Checks that MessageDecoder returns exactly what ReferenceMessageDecoder (the decoder before
/// it was tuned for speed) returns: the same event fields, or the same skip reason and detail.
final class DecoderEquivalenceTests: XCTestCase {
    func testSeedMessagesDecodeAlike() throws {
        for seed in try seedMessages() {
            assertSameResult(seed)
        }
    }

    /// Applies a fixed sequence of random edits to every seed message and compares each result.
    func testMutatedMessagesDecodeAlike() throws {
        var random = SplitMix64(seed: 0x0DEC_0DE5)
        var compared = 0
        for seed in try seedMessages() {
            for _ in 0..<400 {
                var message = seed
                let edits = 1 + Int(random.below(3))
                for _ in 0..<edits {
                    mutate(&message, &random)
                }
                if !assertSameResult(message) { return }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    /// The path for the producers' layout takes the messages written in it, so the tests above
    /// reach it, and its fields and faults are those of the general reading.
    func testProducerLayoutTakesProducerMessages() throws {
        var producerMessagesRead = 0
        for message in try seedMessages() {
            try message.withUnsafeBufferPointer { bytes in
                var fast = EnvelopeReader(scanner: JSONScanner(bytes))
                guard fast.readProducerLayout() else { return }
                producerMessagesRead += 1
                var general = EnvelopeReader(scanner: JSONScanner(bytes))
                try general.read()
                let fastResult = describe(fast.finish(isCostTopic: false, latestAllowedMilliseconds: wallClock))
                let generalResult = describe(general.finish(isCostTopic: false, latestAllowedMilliseconds: wallClock))
                XCTAssertEqual(fastResult, generalResult, printable(message))
            }
        }
        // The cost-tracking fixtures without escapes and the synthetic events.
        XCTAssertGreaterThanOrEqual(producerMessagesRead, 30)
    }

    func testSizeLimitAndFutureLimitDecodeAlike() throws {
        let seeds = try seedMessages()
        let limits: [(Int, Int64)] = [(0, 0), (200, 1_000), (1 << 20, -86_400_000)]
        for (maxBytes, maxFuture) in limits {
            let decoder = MessageDecoder(maxMessageBytes: maxBytes, maxFutureMilliseconds: maxFuture)
            let reference = ReferenceMessageDecoder(maxMessageBytes: maxBytes, maxFutureMilliseconds: maxFuture)
            for seed in seeds {
                assertSameResult(seed, decoder: decoder, reference: reference)
            }
        }
    }

    /// Strings with every kind of UTF-8 sequence, valid and invalid, inside and outside a string.
    func testUTF8EdgeCasesDecodeAlike() {
        let sequences: [[UInt8]] = [
            [0xC3, 0xA4], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xBF], [0xC3],
            [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3, 0x41], [0xE2, 0x41, 0xAC], [0xC3, 0xA4, 0xA4],
        ]
        let base = Array(sampleMessage.utf8)
        let quote = base.firstIndex(of: UInt8(ascii: "t"))!
        for sequence in sequences {
            for offset in [0, 3, 7, 8, 15, 16, 40] {
                for position in [quote + offset, 0, 1, base.count - 1, base.count] where position <= base.count {
                    var message = base
                    message.insert(contentsOf: sequence, at: position)
                    assertSameResult(message)
                    message = base
                    message.replaceSubrange(position..<min(position + sequence.count, base.count), with: sequence)
                    assertSameResult(message)
                }
            }
        }
    }

    /// Numbers in the JSON grammar, of every length and form, at the two scales the decoder uses.
    func testNumbersConvertAlike() {
        var random = SplitMix64(seed: 0x0000_0123_4567)
        var numbers = ["0", "-0", "0.0", "1", "5e-05", "0.015014999999999997", "2.5E+2", "12.3456789", "0.0000005",
                       "999999999999999999", "9999999999999999999", "4294967295", "4294967296", "1e308", "-1.5", "100.000000"]
        for _ in 0..<20_000 {
            numbers.append(randomNumber(&random))
        }
        for number in numbers {
            var text = number
            text.withUTF8 { bytes in
                for scale in [0, 6] {
                    let actual = NumberText.scaledInteger(bytes, 0..<bytes.count, scale: scale)
                    let expected = ReferenceNumberText.scaledInteger(bytes, 0..<bytes.count, scale: scale)
                    XCTAssertEqual(actual?.value, expected?.value, "\(number) at scale \(scale)")
                    XCTAssertEqual(actual?.exact, expected?.exact, "\(number) at scale \(scale)")
                }
            }
        }
    }

    /// The scanner converts plain numbers while reading them. The result, the error and the
    /// position after the number must match reading the number first and converting it after.
    func testScannedNumbersConvertAlike() {
        var random = SplitMix64(seed: 0x5CA1_AB1E)
        var numbers = ["0", "-0", "01", "1.", "1.e5", "-", "-a", ".5", "1e", "1e+", "NaN", "0.0000001", "00", "1x",
                       "123456789012345678", "1234567890123456789", "12345678.1234567890", "9223372036854775807"]
        for _ in 0..<5_000 {
            numbers.append(randomNumber(&random))
        }
        for number in numbers {
            for ending in ["", ",", "}", " ]", "e", "."] {
                let text = Array((number + ending).utf8)
                text.withUnsafeBufferPointer { bytes in
                    for scale in [0, 6] {
                        var scanner = JSONScanner(bytes)
                        var reference = ReferenceJSONScanner(bytes)
                        let actual = Result { () throws(ScanError) in try scanner.readScaledNumber(scale: scale) }
                        let expected = Result { () throws(ReferenceScanError) in try reference.readNumber() }
                            .map { ReferenceNumberText.scaledInteger(bytes, $0, scale: scale) }
                        let label = "\(number + ending) at scale \(scale)"
                        switch (actual, expected) {
                        case (.success(let value), .success(let expectedValue)):
                            XCTAssertEqual(value?.value, expectedValue?.value, label)
                            XCTAssertEqual(value?.exact, expectedValue?.exact, label)
                            XCTAssertEqual(scanner.position, reference.position, label)
                        case (.failure(let error), .failure(let expectedError)):
                            XCTAssertEqual(String(describing: error), String(describing: expectedError), label)
                        default:
                            XCTFail("\(label): \(actual) against \(expected)")
                        }
                    }
                }
            }
        }
    }

    /// A plain decimal read on its short path has the value, exactness and end that the
    /// general reading gives. Text it declines leaves the position where it was.
    func testPlainDecimalsMatchGeneralReading() {
        var random = SplitMix64(seed: 0xDEC1_4A15)
        var numbers = ["0", "7", "2140", "0.039795", "0.1", "10.5", "0.0000001", "01", "1.", "-3", "1e5", "4294967296",
                       "123456789012", "1234567890123", "123456789012.123456", "0.1234567", "5.000000", "9.9e-1"]
        for _ in 0..<5_000 {
            numbers.append(randomNumber(&random))
        }
        var plainDecimalsRead = 0
        for number in numbers {
            for ending in ["", ",", "}", " ]", "e", ".", "5"] {
                let text = Array((number + ending).utf8)
                text.withUnsafeBufferPointer { bytes in
                    for scale in [0, 6] {
                        var plain = JSONScanner(bytes)
                        var general = JSONScanner(bytes)
                        let label = "\(number + ending) at scale \(scale)"
                        guard let value = plain.readPlainDecimal(scale: scale) else {
                            XCTAssertEqual(plain.position, 0, label)
                            continue
                        }
                        plainDecimalsRead += 1
                        let expected = (try? general.readScaledNumber(scale: scale)) ?? nil
                        XCTAssertEqual(value, expected?.value, label)
                        XCTAssertEqual(expected?.exact, true, label)
                        XCTAssertEqual(plain.position, general.position, label)
                    }
                }
            }
        }
        XCTAssertGreaterThan(plainDecimalsRead, 1_000)
    }

    func testTimestampsParseAlike() {
        let times = [
            "2026-02-09T08:14:21.924582Z", "2026-02-09t08:14:21z", "2026-02-09 08:14:21", "2026-02-09T09:14:21.5+01:00",
            "2026-02-09T03:14:21-0500", "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-02-09T24:00:00Z", "2026-02-09T23:59:60Z", "2026-02-09T08:14:21.Z", "2026-02-09T08:14:21+24:00",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-02-09", "", "2026-02-09T08:14:21+01",
            // The 27-byte layout that producers write, which has a shorter path of its own.
            "2024-02-29T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z", "2026-12-31T00:00:60.000000Z",
            "2025-02-29T08:14:21.924582Z", "2026-02-09T08:14:21.92458/Z", "2026-02-09T08:14:21.924582z",
        ]
        var random = SplitMix64(seed: 0x7173)
        var cases = times
        for _ in 0..<5_000 {
            var bytes = Array(times[Int(random.below(UInt64(times.count)))].utf8)
            guard !bytes.isEmpty else { continue }
            let position = Int(random.below(UInt64(bytes.count)))
            let replacements = Array("0123456789-:.TZ+ tz".utf8)
            if random.below(2) == 0 {
                bytes[position] = replacements[Int(random.below(UInt64(replacements.count)))]
            } else {
                bytes.remove(at: position)
            }
            cases.append(String(decoding: bytes, as: UTF8.self))
        }
        for text in cases {
            var copy = text
            copy.withUTF8 { bytes in
                let actual = NumberText.timestampMilliseconds(bytes, start: 0, count: bytes.count)
                let expected = ReferenceNumberText.timestampMilliseconds(bytes, start: 0, count: bytes.count)
                XCTAssertEqual(actual, expected, text)
            }
        }
    }

    // MARK: - Helpers

    /// Returns a number in the JSON grammar: sign, integer part, fraction and exponent each
    /// present or not, with up to 25 digits in a part.
    private func randomNumber(_ random: inout SplitMix64) -> String {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(random.below(10))) })
        }
        var text = random.below(5) == 0 ? "-" : ""
        let integerDigits = 1 + Int(random.below(random.below(2) == 0 ? 4 : 25))
        let integer = digits(integerDigits)
        text += integerDigits > 1 && integer.first == "0" ? "1" + integer.dropFirst() : integer
        if random.below(2) == 0 {
            text += "." + digits(1 + Int(random.below(random.below(2) == 0 ? 8 : 25)))
        }
        if random.below(5) == 0 {
            text += ["e", "E", "e+", "e-", "E-"][Int(random.below(5))] + digits(1 + Int(random.below(3)))
        }
        return text
    }

    private let topics: [String?] = [nil, KnownTopic.costTracking, KnownTopic.requestCompleted, "other.topic"]

    @discardableResult
    private func assertSameResult(
        _ message: [UInt8],
        decoder: MessageDecoder = MessageDecoder(),
        reference: ReferenceMessageDecoder = ReferenceMessageDecoder(),
        file: StaticString = #filePath, line: UInt = #line
    ) -> Bool {
        message.withUnsafeBufferPointer { bytes in
            for topic in topics {
                let actual = describe(decoder.decode(bytes, topic: topic, wallClockMilliseconds: wallClock))
                let expected = describe(reference.decode(bytes, topic: topic, wallClockMilliseconds: wallClock))
                if actual != expected {
                    XCTFail("topic \(topic ?? "nil"), message \(printable(message)):\n  tuned:     \(actual)\n  reference: \(expected)", file: file, line: line)
                    return false
                }
            }
            return true
        }
    }

    private func describe(_ result: DecodeResult) -> String {
        switch result {
        case .event(let fields):
            return "event \(fields)"
        case .skipped(let reason, let detail):
            return "skipped \(reason.rawValue): \(detail)"
        }
    }

    private func printable(_ message: [UInt8]) -> String {
        message.map { byte in
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
        }.joined()
    }

    private func seedMessages() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for name in ["cost_tracking.jsonl", "cost_tracking_edge.jsonl", "request_completed.jsonl"] {
            seeds += try FixtureFiles.lines(name).map { Array($0.utf8) }
        }
        let fuzzDirectory = FixtureFiles.directory.appendingPathComponent("fuzz/decoder")
        for name in try FileManager.default.contentsOfDirectory(atPath: fuzzDirectory.path).sorted() {
            seeds.append(try [UInt8](Data(contentsOf: fuzzDirectory.appendingPathComponent(name))))
        }
        var traffic = SyntheticTraffic(seed: 7)
        for index in 0..<20 {
            seeds.append(traffic.nextEvent(at: 1_770_624_000_000 + Int64(index) * 1_000).json)
        }
        seeds += handWrittenMessages.map { Array($0.utf8) }
        return seeds
    }

    /// Replaces, inserts, deletes, duplicates or truncates bytes, preferring bytes that matter to JSON.
    private func mutate(_ message: inout [UInt8], _ random: inout SplitMix64) {
        let interesting = Array("\"\\{}[],: \t\n0123456789-+.eEtrufalsn".utf8)
            + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xA4, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
        func anyByte() -> UInt8 {
            random.below(4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : interesting[Int(random.below(UInt64(interesting.count)))]
        }
        let position = message.isEmpty ? 0 : Int(random.below(UInt64(message.count + 1)))
        switch random.below(6) {
        case 0 where position < message.count:
            message[position] = anyByte()
        case 1:
            message.insert(anyByte(), at: position)
        case 2 where position < message.count:
            let end = min(message.count, position + 1 + Int(random.below(12)))
            message.removeSubrange(position..<end)
        case 3 where position < message.count:
            let end = min(message.count, position + 1 + Int(random.below(40)))
            let piece = Array(message[position..<end])
            let target = Int(random.below(UInt64(message.count + 1)))
            message.insert(contentsOf: piece, at: target)
        case 4:
            message.removeSubrange(position..<message.count)
        default:
            let keys = ["\"metadata\": ", "\"cached\": true, ", "\"data\": {}, ", "\"token_usage\": null, ",
                        "\"success\": false, ", "\"event_type\": \"x.cost\", ", "\"a\": [1, {\"b\": [[]]}], "]
            message.insert(contentsOf: Array(keys[Int(random.below(UInt64(keys.count)))].utf8), at: position)
        }
    }
}

private let sampleMessage = "{\"event_id\": \"e1\", \"event_type\": \"llm_provider.cost.tracking\", "
    + "\"event_timestamp\": \"2026-02-09T08:14:21.924582Z\", \"data\": {\(baseData)}, \"metadata\": null}"

/// Messages that reach the paths the fixtures do not: escapes, raw non-ASCII text, nested and
/// skipped values, other event types, every field of the payload and unusual whitespace.
private let handWrittenMessages: [String] = [
    sampleMessage,
    envelope(data: baseData + ", \"cached\": true, \"cache_cost_savings_usd\": 5e-05, \"metadata\": {\"cached\": true, \"k\": [1, 2.5e3, \"x\\n\\\"y\", null, true, false, {}]}"),
    envelope(data: baseData.replacing("teacher_0042", with: "l\\u00e4rare_0042").replacing("anthropic", with: "anth\\/ropic")),
    envelope(data: baseData.replacing("teacher_0042", with: "lärare_0042 ✓ 😀").replacing("comparison", with: "\\ud83d\\ude00 pair")),
    envelope(data: baseData + ", \"metadata\": {\"prompt_override\": \"Compare\\n\\\"one\\\" and \\t two \\\\ essays\", \"temperature_override\": 0.7}"),
    envelope(eventID: "null", data: baseData),
    envelope(timestamp: "null", data: baseData),
    envelope(timestamp: "\"2026-02-09 08:14:21+0100\"", data: baseData),
    "{\"event_id\": \"e2\", \"event_type\": \"llm_provider.request.completed\", \"data\": {\"success\": true, \"provider\": \"openai\"}}",
    "{\"event_id\": \"e3\", \"data\": {\"cost_estimate\": 0.1, \"provider\": \"openai\", \"model\": \"m\", \"response_time_ms\": 3.6}}",
    "  {\r\n\t\"event_id\" :\"e4\" ,\"data\":{\"provider\":\"p\",\"model\":\"m\",\"cost_estimate_usd\":1E2,\"response_time_ms\":0,"
        + "\"request_timestamp\":\"2026-02-09T08:14:19Z\",\"token_usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}}\n ",
    "{\"event_id\": \"e5\", \"data\": [1, 2], \"event_timestamp\": \"2026-02-09T08:14:19Z\"}",
    // Keys out of the producers' order, and payload metadata whose keys are read in full.
    "{\"event_type\": \"llm_provider.cost.tracking\", \"event_id\": \"e9\", \"data\": {\"model\": \"m\", \"provider\": \"p\", "
        + "\"cost_estimate_usd\": 0.5, \"response_time_ms\": 7, \"correlation_id\": \"c\", \"metadata\": { \"cached\": true}}, "
        + "\"event_timestamp\": \"2026-02-09T08:14:21.924582Z\"}",
    envelope(data: baseData + ", \"metadata\": {\"a\" : 1, \"c\\u0061ched\": true, \"b\":2,\"cached\":true}"),
    envelope(data: baseData + ", \"metadata\": {\"cached\": true, \"cached\": false, \"x\": \"\\u00e4\"}"),
    "{\"event_id\": \"e6\", \"data\": {\"provider\": 5, \"model\": [], \"user_id\": {}, \"cached\": \"yes\", \"token_usage\": 3}}",
    "{\"event_id\": \"e7\", \"data\": {\"provider\": \"p\", \"model\": \"m\", \"cost_estimate_usd\": -0.0, \"response_time_ms\": 12345678901}}",
    "{\"ev\\u0065nt_id\": \"e8\", \"data\": {\"provider\": \"p\"}}",
    "[1, 2, 3]",
    "\"just a string\"",
    "{}",
    "",
    "{\"a\": 01}",
    "{\"a\": 1.}",
    "{\"a\": 1e}",
    "{\"a\": tru}",
    "{\"a\": \"\\x\"}",
    "{\"a\": \"\\u12G4\"}",
    "{\"a\" 1}",
    "{\"a\": 1,}",
    "{\"a\": [1,]}",
    "{\"a\": 1} {}",
]

/// SplitMix64, a small generator whose sequence depends only on its seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns a value in 0..<bound.
    mutating func below(_ bound: UInt64) -> UInt64 {
        next() % bound
    }
}
