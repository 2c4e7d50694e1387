import CFairwaySys
import FairwayPipeline

/// How the agent's process holds heap memory, so that its resident size between runs is what it
/// keeps rather than what its last full run touched.
public enum ProcessMemory {
    /// Lets malloc use two arenas. glibc otherwise gives each thread that allocates an arena of its
    /// own, up to eight per core, and what the agent keeps between runs (the parses) ends up spread
    /// over all of them, among pages a full run freed only in part, which cannot be handed back. At
    /// 1,000 tenants, for the same 34 MB in use, the agent stayed at 88-123 MB resident (mean 107)
    /// with the default and at 81-117 MB (mean 95) with two arenas. Call first thing in the process,
    /// before other threads allocate.
    public static func limitArenas() {
        fairway_limit_malloc_arenas(2)
    }

    /// Hands freed heap memory back to the system; call after a run that read and rendered the
    /// whole platform.
    public static func releaseFree() {
        fairway_release_free_memory()
    }
}
