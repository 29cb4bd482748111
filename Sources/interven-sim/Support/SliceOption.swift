#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenCheck

/// `--slice i/N` of `sweep` and `run`: the flag, else a Kubernetes Indexed Job
/// (`JOB_COMPLETION_INDEX`/`JOB_COMPLETION_COUNT`), else a Slurm job array
/// (`SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT`), else none. `i` counts from 0.
enum SliceOption {
    static let environment = [("JOB_COMPLETION_INDEX", "JOB_COMPLETION_COUNT"), ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT")]

    static func resolve(_ flag: String?) throws(SweepInputError) -> SweepSlice? {
        if let flag { return try SweepSlice.parse(flag, source: "--slice") }
        let env = ProcessInfo.processInfo.environment
        for (i, n) in environment {
            if let index = env[i], let count = env[n] {
                return try SweepSlice.parse("\(index)/\(count)", source: "\(i)=\(index), \(n)=\(count)")
            }
        }
        return nil
    }
}
