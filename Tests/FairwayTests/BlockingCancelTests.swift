import Dispatch
import FairwayCore
import Testing

/// Blocking work that cannot be interrupted is abandoned when its task is cancelled.
@Suite struct BlockingCancelTests {
    @Test func aCancelledWaitReturnsAtOnceAndTheWorkIsLeftToEnd() async {
        let release = DispatchSemaphore(value: 0)
        let task = Task {
            await Blocking.run(orWhenCancelled: { "cancelled" }) {
                release.wait()
                return "finished"
            }
        }
        task.cancel()
        #expect(await task.value == "cancelled")
        release.signal()
        // Not cancelled: the work's own result.
        #expect(await Blocking.run(orWhenCancelled: { "cancelled" }) { "finished" } == "finished")
    }
}
