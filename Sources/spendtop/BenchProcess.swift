import Foundation

/// A child process of the bench started with `posix_spawn`, with optional pipes to its standard
/// input and output; standard error is shared with the bench.
///
/// Foundation's `Process` reaps children on its own schedule, so the bench spawns and waits
/// itself where it times a child from start to exit.
final class BenchProcess {
    let pid: pid_t
    let name: String
    /// The write end of the child's standard input, or -1 when the child reads /dev/null.
    private var inputDescriptor: Int32
    /// The read end of the child's standard output, or -1 when it writes to /dev/null.
    private var outputDescriptor: Int32
    private var pending: [UInt8] = []
    private(set) var exitStatus: Int32?

    /// Starts `path` with `arguments` on `cpu` (nil keeps the bench's own CPU).
    ///
    /// A child inherits the CPU mask of the thread that spawns it, so this thread moves to `cpu`
    /// for the spawn and back to CPU 0 after it.
    init(name: String, path: String, arguments: [String], cpu: Int?, pipeInput: Bool, pipeOutput: Bool) throws {
        self.name = name
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        var childEnds: [Int32] = []
        var input: Int32 = -1
        var output: Int32 = -1
        if pipeInput {
            let (read, write) = try Self.makePipe()
            posix_spawn_file_actions_adddup2(&actions, read, STDIN_FILENO)
            childEnds.append(read)
            input = write
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        if pipeOutput {
            let (read, write) = try Self.makePipe()
            posix_spawn_file_actions_adddup2(&actions, write, STDOUT_FILENO)
            childEnds.append(write)
            output = read
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        if let cpu { _ = setCallingThreadCPU(cpu) }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        if cpu != nil { _ = setCallingThreadCPU(0) }
        childEnds.forEach { close($0) }
        guard result == 0 else {
            if input >= 0 { close(input) }
            if output >= 0 { close(output) }
            throw RuntimeFailure(message: "cannot start \(path): \(String(cString: strerror(result))).")
        }
        self.pid = pid
        inputDescriptor = input
        outputDescriptor = output
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            _ = try? waitForExit(timeout: 10)
        }
        closeInput()
        if outputDescriptor >= 0 { close(outputDescriptor) }
    }

    /// Returns a pipe whose ends are closed in other spawned children (`FD_CLOEXEC`).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw RuntimeFailure(message: "cannot create a pipe: \(String(cString: strerror(errno))).")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// Closes the child's standard input: the bench's own children stop at its end.
    func closeInput() {
        if inputDescriptor >= 0 {
            close(inputDescriptor)
            inputDescriptor = -1
        }
    }

    /// Reads one line of the child's output, without its newline. Throws when the child closes
    /// its output first, or after `timeout` seconds.
    func readLine(timeout: Double) throws -> String {
        let deadline = monotonicSeconds() + timeout
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else {
                throw RuntimeFailure(message: "\(name) printed no line within \(Int(timeout)) s.")
            }
            var descriptor = pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno != EINTR {
                throw RuntimeFailure(message: "waiting for output of \(name) failed: \(String(cString: strerror(errno))).")
            }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(outputDescriptor, &chunk, chunk.count)
            guard count > 0 else {
                throw RuntimeFailure(message: "\(name) ended its output before the expected line; see its messages above.")
            }
            pending += chunk[..<count]
        }
    }

    /// Reads the child's output to its end and returns it.
    func readRemainingOutput() -> String {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while outputDescriptor >= 0 {
            let count = read(outputDescriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending += chunk[..<count]
        }
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Waits for the child to exit and returns its exit status (128 + N after signal N). Kills it
    /// with SIGKILL after `timeout` seconds; the status then shows the kill.
    @discardableResult
    func waitForExit(timeout: Double) throws -> Int32 {
        if let exitStatus { return exitStatus }
        let exited = DispatchSemaphore(value: 0)
        let pid = self.pid
        // A waiting thread instead of polling, so the wait costs the measured CPU nothing.
        Thread.detachNewThread {
            if exited.wait(timeout: .now() + timeout) == .timedOut {
                kill(pid, SIGKILL)
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                exited.signal()
                throw RuntimeFailure(message: "waiting for \(name) failed: \(String(cString: strerror(errno))).")
            }
        }
        exited.signal()
        // The WIFEXITED and WTERMSIG macros are not imported into Swift: the low 7 bits hold
        // the signal number, and bits 8 to 15 the exit code.
        let signalNumber = status & 0x7F
        let code = signalNumber == 0 ? (status >> 8) & 0xFF : 128 + signalNumber
        exitStatus = code
        return code
    }
}

/// Restricts the calling thread, and the threads and processes it starts later, to `cpu`.
/// Returns false when the system rejects it, as on a machine without that CPU.
///
/// Glibc declares `sched_setaffinity` only under `_GNU_SOURCE`, which the Swift Glibc module
/// does not set, so the symbol is looked up at run time. Pid 0 means the calling thread.
func setCallingThreadCPU(_ cpu: Int) -> Bool {
    typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
    guard cpu >= 0, cpu < 1024, let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sched_setaffinity") else {
        return false
    }
    let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
    // A 1024-bit CPU mask, the size of glibc's cpu_set_t, with only `cpu` set.
    var mask = [UInt64](repeating: 0, count: 16)
    mask[cpu / 64] = 1 << UInt64(cpu % 64)
    return mask.withUnsafeBytes { setAffinity(0, $0.count, $0.baseAddress!) } == 0
}

/// Returns the full path of `name` found in `PATH`, or nil when no executable has that name.
func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        let candidate = "\(folder)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}
