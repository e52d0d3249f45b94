import Foundation
import XCTest

final class DashboardEndToEndTests: XCTestCase {
    var snapshotDirectory: URL!

    override func setUpWithError() throws {
        snapshotDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("spendtop-snapshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: snapshotDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: snapshotDirectory)
    }

    /// A shell command that runs the dashboard on the fixtures and then keeps the pane open,
    /// printing the exit status and the terminal mode, so the test can read both.
    func dashboardCommand(_ extra: String = "") throws -> String {
        let binary = try BinaryRunner.binary.path
        let fixture = BinaryRunner.fixtures.appendingPathComponent("cost_tracking.jsonl").path
        return "\(binary) --file \(fixture) --window all --snapshot-dir \(snapshotDirectory.path) \(extra); "
            + "echo exit=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo; echo terminal-modes-done; sleep 30"
    }

    func testPickOrganizationDrillFreezeSnapshotResizeQuit() throws {
        let session = try TmuxSession(command: try dashboardCommand(), width: 160, height: 50)
        try session.waitFor("By provider")
        try session.waitFor("$0.59 in all")

        // Pick an organization by typing part of its name.
        try session.send("o")
        try session.waitFor("find:")
        try session.type("ekd")
        try session.waitFor("1 match")
        try session.send("Enter")
        var screen = try session.waitFor("filter org=org_ekdal_academy")
        XCTAssertTrue(screen.contains("$0.18 in all"), screen)

        // Drill down into the selected provider row, then step back.
        try session.send("Enter")
        try session.waitFor("filter org=org_ekdal_academy provider=")
        try session.send("BSpace")
        try session.waitFor("filter org=org_ekdal_academy  ")

        // Freeze, then change the window.
        try session.send("f")
        try session.waitFor("PAUSED")
        try session.send("f")
        try session.send("w")
        screen = try session.waitFor("window 1m")
        XCTAssertFalse(screen.contains("PAUSED"), screen)

        // Snapshot, then check the files.
        try session.send("S")
        try session.waitFor("Snapshot written to")
        let files = try FileManager.default.contentsOfDirectory(atPath: snapshotDirectory.path).sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        let text = try XCTUnwrap(files.first { $0.hasSuffix(".txt") })
        XCTAssertTrue(text.hasPrefix("spendtop-"))
        let contents = try String(contentsOf: snapshotDirectory.appendingPathComponent(text), encoding: .utf8)
        XCTAssertTrue(contents.contains("# window 1m, filter org=org_ekdal_academy"), contents)
        XCTAssertTrue(contents.contains("UTC"))
        let attributes = try FileManager.default.attributesOfItem(atPath: snapshotDirectory.appendingPathComponent(text).path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        // Resize below the minimum and back, then quit from the small screen.
        try session.resize(width: 50, height: 12)
        try session.waitFor("too small")
        try session.resize(width: 100, height: 30)
        try session.waitFor("By provider")
        try session.resize(width: 40, height: 10)
        try session.waitFor("too small")
        try session.send("q")
        // The terminal modes are printed after the exit status, so wait for the line after them.
        screen = try session.waitFor("terminal-modes-done")
        XCTAssertTrue(screen.contains("exit=0"), screen)
        XCTAssertTrue(screen.contains("icanon"), "the terminal was not restored:\n\(screen)")
        XCTAssertTrue(screen.contains("echo"), "the terminal was not restored:\n\(screen)")
    }

    func testSignalsRestoreTheTerminal() throws {
        for (signal, status) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
            let session = try TmuxSession(command: try dashboardCommand(), width: 120, height: 40)
            try session.waitFor("By provider")
            let pid = try session.tmux(["list-panes", "-t", session.name, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
            // The pane runs a shell; signal its child, the dashboard.
            let kill = Process()
            kill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            kill.arguments = ["-\(signal)", "-P", pid, "spendtop"]
            try kill.run()
            kill.waitUntilExit()
            let screen = try session.waitFor("terminal-modes-done")
            XCTAssertTrue(screen.contains("exit=\(status)"), screen)
            XCTAssertTrue(screen.contains("icanon"), "SIG\(signal) left the terminal raw:\n\(screen)")
        }
    }

    func testHelpScreenListsKeys() throws {
        let session = try TmuxSession(command: try dashboardCommand(), width: 120, height: 40)
        try session.waitFor("By provider")
        try session.send("?")
        let screen = try session.waitFor("quit")
        XCTAssertTrue(screen.contains("freeze"), screen)
        try session.send("q")
    }
}
