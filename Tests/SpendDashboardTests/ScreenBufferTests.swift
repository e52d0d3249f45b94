import SpendDashboard
import Testing

@Suite struct ScreenBufferTests {
    @Test func wideCharactersTakeTwoCells() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        let used = buffer.write("a東b", x: 0, y: 0)
        #expect(used == 4)
        #expect(buffer[1, 0].width == 2)
        #expect(buffer[2, 0].isContinuation)
        #expect(TextRenderer.plainLines(buffer) == ["a東b"])
    }

    @Test func wideCharacterAtEdgeBecomesSpace() {
        var buffer = ScreenBuffer(width: 3, height: 1)
        buffer.write("ab東", x: 0, y: 0)
        #expect(TextRenderer.plainLines(buffer, trimmingTrailingSpaces: false) == ["ab "])
    }

    @Test func overwritingHalfClearsOtherHalf() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.write("東京", x: 0, y: 0)
        buffer.write("x", x: 1, y: 0)
        #expect(TextRenderer.plainLines(buffer) == [" x京"])
        buffer.write("y", x: 2, y: 0)
        #expect(TextRenderer.plainLines(buffer, trimmingTrailingSpaces: false) == [" xy "])
    }

    @Test func writesClipToBufferAndClip() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        buffer.write("abcdefgh", x: -2, y: 0)
        buffer.write("zz", x: 0, y: 5)
        buffer.clip = Rect(x: 1, y: 1, width: 2, height: 1)
        buffer.write("1234", x: 0, y: 1)
        #expect(TextRenderer.plainLines(buffer) == ["cdefg", " 23"])
    }

    @Test func controlCharactersAreReplaced() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.write("a\u{1B}b", x: 0, y: 0)
        #expect(TextRenderer.plainLines(buffer) == ["a\u{FFFD}b"])
    }

    @Test func fitAddsEllipsis() {
        #expect(ScreenBuffer.fit("abcdef", width: 4, glyphs: .unicode) == "abc…")
        #expect(ScreenBuffer.fit("abcdef", width: 4, glyphs: .ascii) == "abc~")
        #expect(ScreenBuffer.fit("東京商事", width: 4, glyphs: .unicode) == "東…")
        #expect(ScreenBuffer.fit("abc", width: 3, glyphs: .unicode) == "abc")
        #expect(ScreenBuffer.fit("abc", width: 0, glyphs: .unicode) == "")
    }

    @Test func boxesInBothGlyphSets() {
        var buffer = ScreenBuffer(width: 12, height: 3)
        buffer.drawBox(Rect(x: 0, y: 0, width: 12, height: 3), title: "Pane", glyphs: .unicode)
        #expect(TextRenderer.plainLines(buffer) == ["┌ Pane ────┐", "│          │", "└──────────┘"])
        var ascii = ScreenBuffer(width: 8, height: 2)
        ascii.drawBox(Rect(x: 0, y: 0, width: 8, height: 2), glyphs: .ascii)
        #expect(TextRenderer.plainLines(ascii) == ["+------+", "+------+"])
    }

    @Test func barLevels() {
        let glyphs = GlyphSet.unicode
        #expect(glyphs.bar(0, of: 8) == " ")
        #expect(glyphs.bar(1, of: 8) == "▁")
        #expect(glyphs.bar(8, of: 8) == "█")
        #expect(glyphs.bar(5, of: 0) == " ")
    }

    @Test func renderNeverCrashesAtOddSizes() {
        for (width, height) in [(0, 0), (1, 1), (59, 15), (60, 16), (61, 17), (79, 39), (80, 40), (149, 41), (150, 42), (300, 100)] {
            let buffer = DashboardRenderer.render(data: Sample.data, view: ViewState(), width: width, height: height)
            #expect(buffer.width == width)
            #expect(buffer.height == height)
        }
    }

    @Test func snapshotStamp() {
        let stamp = SnapshotStamp(timeMs: Sample.nowMs, timeZone: .local, localOffsetSeconds: -18_000, window: "5m", filter: "org=acme", source: "localhost:9092 cost-tracking", offsets: "cost-tracking/0@42")
        #expect(stamp.lines == [
            "# spendtop snapshot at 2023-11-14 17:13:20 local (UTC-05:00)",
            "# window 5m, filter org=acme",
            "# source localhost:9092 cost-tracking, offsets cost-tracking/0@42",
        ])
        #expect(stamp.fileBaseName == "spendtop-20231114T221320Z")
    }
}
