import XCTest
@testable import SpendAggregation

final class LatencySketchTests: XCTestCase {
    /// The nearest-rank value: the value at rank ceil(p x n) of the sorted values.
    func nearestRank(_ sorted: [Int64], percent: Int) -> Int64 {
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    func testRandomDataWithinOnePercent() {
        var generator = SplitMix(seed: 42)
        for trial in 0..<20 {
            let count = 1 + Int(generator.next() % 20_000)
            var values: [Int64] = []
            var sketch = LatencySketch()
            for _ in 0..<count {
                // Log-uniform from 0 to about 2 million ms, with zeros now and then.
                let exponent = Double(generator.next() % 1_000_000) / 1_000_000 * 14.5
                let value = generator.next() % 50 == 0 ? 0 : Int64(exp(exponent))
                values.append(value)
                sketch.add(value)
            }
            values.sort()
            for percent in [1, 25, 50, 90, 95, 99, 100] {
                let exact = nearestRank(values, percent: percent)
                let estimate = sketch.quantile(percent: percent)
                let error = abs(Double(estimate - exact))
                XCTAssertLessThanOrEqual(error, 0.01 * Double(exact), "trial \(trial) p\(percent): exact \(exact), estimate \(estimate)")
            }
        }
    }

    func testSmallValuesAreExact() {
        var sketch = LatencySketch()
        for value in Int64(1)...99 {
            sketch.add(value)
        }
        XCTAssertEqual(sketch.quantile(percent: 50), 50)
        XCTAssertEqual(sketch.quantile(percent: 90), 90)
        XCTAssertEqual(sketch.quantile(percent: 99), 99)
    }

    func testMergeEqualsCombinedAndRemoveUndoesAdd() {
        var left = LatencySketch()
        var right = LatencySketch()
        var both = LatencySketch()
        for value in Int64(1)...500 {
            if value % 2 == 0 { left.add(value * 7) } else { right.add(value * 13) }
            both.add(value % 2 == 0 ? value * 7 : value * 13)
        }
        left.merge(right)
        XCTAssertEqual(left.count, both.count)
        XCTAssertEqual(left.quantile(percent: 95), both.quantile(percent: 95))
        left.add(1_000_000)
        left.remove(1_000_000)
        XCTAssertEqual(left.quantile(percent: 100), both.quantile(percent: 100))
    }

    func testEmptySketchAnswersZero() {
        XCTAssertEqual(LatencySketch().quantile(percent: 50), 0)
    }
}

/// A small deterministic random number generator for tests.
struct SplitMix {
    var state: UInt64

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
}
