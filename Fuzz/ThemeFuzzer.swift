// libFuzzer entry for ThemeParser.parse. Built by Fuzz/build.sh, run by `make fuzz`.
//
// Each input is the text of a theme file. Besides crashes, the fuzzer traps when an error
// names a line outside the text.
import SpendDashboard

private let depths: [ColorDepth] = [.none, .eight, .palette256, .trueColor]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let theme: Theme
    do {
        theme = try ThemeParser.parse(text, name: "fuzz")
    } catch {
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        if error.line < 1 || error.line > lineCount {
            fatalError("theme property violated: error line \(error.line) is outside 1...\(lineCount): \(error.message)")
        }
        return 0
    }

    // Reducing every style to every colour depth runs the nearest-colour searches.
    for role in Role.allCases {
        for depth in depths {
            _ = theme.effectiveStyle(for: role, depth: depth)
        }
    }
    return 0
}
