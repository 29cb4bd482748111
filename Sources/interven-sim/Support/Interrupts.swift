import Dispatch
import IntervenSimulation
import IntervenResults
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM end the process cleanly: temporary output files and directories are
/// removed (a previous results directory stays as it was), a running benchmark child is passed
/// the signal, and the exit code is 128 + the signal (130, 143), as a shell reports it.
///
/// The signals are received through dispatch sources, so the clean-up runs on an ordinary
/// thread rather than in a signal handler.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once, at start-up).
    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let child = ChildProcess.running.load(ordering: .acquiring)
                if child > 0 { kill(child, sig) }
                TemporaryOutputs.abandonAll { _exit(128 + sig) }
            }
            source.resume()
            sources.append(source)
        }
    }
}
