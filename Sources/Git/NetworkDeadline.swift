import Dispatch
import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A time bound on one libgit2 network operation, which libgit2 1.5 cannot give itself: it has
/// no connect or read timeout, and its progress callbacks fire only when data arrives, so a
/// server that accepts and then says nothing blocks the calling thread for ever.
///
/// At the deadline a watchdog thread shuts down (`shutdown(SHUT_RDWR)`, never `close`, so no
/// descriptor number is freed under libgit2's feet) every TCP socket this process opened since
/// the operation began. A blocked `connect`, `recv` or `poll` then returns at once, libgit2
/// (HTTP, mbedTLS or libssh2 alike) fails with its own error, and the caller reports the
/// timeout instead. Sockets that existed before the operation (matched by descriptor and
/// inode) are never touched. The watchdog keeps sweeping until the operation returns, so a
/// reconnect after the deadline is cut too.
final class NetworkDeadline: Sendable {
    /// Whether the operation returned, and whether the deadline passed before it did.
    private struct State {
        var finished = false
        var fired = false
    }
    private let state = Mutex(State())
    private let existing: Set<SocketIdentity>

    /// True once the deadline passed while the operation was still running.
    var fired: Bool {
        state.withLock { $0.fired }
    }

    /// Starts the watchdog; call `finish` when the operation returns, whatever its outcome.
    init(seconds: TimeInterval) {
        existing = Set(NetworkDeadline.tcpSockets())
        // A queue of its own, so the watchdog never waits behind work on a shared one.
        DispatchQueue(label: "readiness network deadline").async { [self] in
            watch(until: Date().addingTimeInterval(seconds))
        }
    }

    /// Ends the watch: no socket is touched after this returns.
    func finish() {
        state.withLock { $0.finished = true }
    }

    private func watch(until deadline: Date) {
        while true {
            let done = state.withLock { $0.finished }
            if done { return }
            if Date() >= deadline { break }
            usleep(20_000)
        }
        while true {
            // The lock is held while sockets are shut down, so `finish` cannot return while a
            // sweep might still reach a socket the caller has moved on to.
            let done: Bool = state.withLock { state in
                if state.finished { return true }
                state.fired = true
                for socket in NetworkDeadline.tcpSockets() where !existing.contains(socket) {
                    _ = shutdown(socket.descriptor, Int32(SHUT_RDWR))
                }
                return false
            }
            if done { return }
            usleep(100_000)
        }
    }

    /// A socket by descriptor and inode: a descriptor number reused for a new socket differs.
    private struct SocketIdentity: Hashable {
        let descriptor: Int32
        let inode: UInt64
    }

    /// The process's open IPv4 and IPv6 sockets. Unix-domain sockets (ssh-agent) are left alone.
    private static func tcpSockets() -> [SocketIdentity] {
        var sockets: [SocketIdentity] = []
        for descriptor in openDescriptors() {
            var status = stat()
            guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFSOCK else { continue }
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0, Int32(address.ss_family) == AF_INET || Int32(address.ss_family) == AF_INET6 else { continue }
            sockets.append(SocketIdentity(descriptor: descriptor, inode: UInt64(status.st_ino)))
        }
        return sockets
    }

    /// Open descriptors: /proc/self/fd where there is one, else every number below the limit.
    private static func openDescriptors() -> [Int32] {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return names.compactMap { Int32($0) }
        }
        return (0..<min(Int32(getdtablesize()), 4096)).filter { fcntl($0, F_GETFD) != -1 }
    }
}
