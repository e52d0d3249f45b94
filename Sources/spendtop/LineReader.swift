#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-separated messages from a file descriptor in large blocks, without a copy per line.
///
/// A line longer than `maxLineBytes` is not kept: its bytes are dropped as they arrive and it
/// is reported once, as oversized, so a 10 MB line costs no more memory than a short one.
struct LineReader {
    private let descriptor: Int32
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false

    /// A line: its bytes, or the fact that it was over the limit.
    enum Line {
        case message(UnsafeBufferPointer<UInt8>)
        case oversized
    }

    init(descriptor: Int32, maxLineBytes: Int, blockSize: Int = 1 << 20) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        buffer = Array(repeating: 0, count: max(blockSize, 4096))
    }

    /// Calls `body` for each non-empty line until the end of input; throws when a read fails.
    mutating func forEachLine(_ body: (Line) -> Void) throws {
        var discarding = false
        while true {
            // Hand out every complete line in the buffer.
            var lineStart = start
            var index = start
            buffer.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress!
                while index < end {
                    // memchr finds the newline with vector instructions, far faster than a byte loop.
                    guard let found = memchr(base + index, 0x0A, end - index) else {
                        index = end
                        break
                    }
                    index = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                    if discarding {
                        discarding = false
                        body(.oversized)
                    } else {
                        emit(bytes, lineStart, index, body)
                    }
                    lineStart = index + 1
                    index += 1
                }
            }
            start = lineStart
            if finished {
                if start < end {
                    buffer.withUnsafeBufferPointer { emit($0, start, end, body) }
                } else if discarding {
                    body(.oversized)
                }
                return
            }
            // Keep the partial line, or drop it once it is over the limit.
            let pending = end - start
            if pending > maxLineBytes {
                discarding = true
                start = 0
                end = 0
            } else if start > 0 {
                buffer.withUnsafeMutableBufferPointer { bytes in
                    _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, pending)
                }
                start = 0
                end = pending
            }
            if end == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let count = buffer.withUnsafeMutableBufferPointer { bytes in
                read(descriptor, bytes.baseAddress! + end, bytes.count - end)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw RuntimeFailure(message: "reading the input failed: \(String(cString: strerror(errno))).")
            }
            if count == 0 {
                finished = true
            }
            end += count
        }
    }

    private func emit(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ body: (Line) -> Void) {
        var upper = to
        if upper > from, bytes[upper - 1] == 0x0D { upper -= 1 }
        guard upper > from else { return }
        if upper - from > maxLineBytes {
            body(.oversized)
        } else {
            body(.message(UnsafeBufferPointer(rebasing: bytes[from..<upper])))
        }
    }
}
