import FairwayAdmission
import Testing

@Test func followsThePinnedKueueRelease() {
    #expect(KueueSemantics.version == "v0.19.2")
}
