import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwaySource

/// The template's fairness policy split into parts: the same policy, written as several
/// `GpuFairnessPolicy` documents named `default`.
enum SplitPolicy {
    typealias Share = GpuFairnessPolicySpec.TenantShare

    /// One part: its defaults weight, and per class its max share and tenants (in order).
    struct Part {
        var defaultsWeight: Int?
        var classes: [(name: String, maxShare: Int?, tenants: [String])]
    }

    /// The parts the tests use: `policies/default.yaml` with the defaults, class a10g-shared and
    /// a100's max share and research; `policies/fairness/a100.yaml` with a100's other tenants;
    /// `policies/fairness/rest.yaml` with h100-mig and l4.
    static let layout: [(path: String, part: Part)] = [
        ("policies/default.yaml", Part(defaultsWeight: 1, classes: [
            ("a10g-shared", 70, ["research", "students", "platform"]), ("a100", 75, ["research"]),
        ])),
        ("policies/fairness/a100.yaml", Part(classes: [("a100", nil, ["prod-inference", "platform"])])),
        ("policies/fairness/rest.yaml", Part(classes: [
            ("h100-mig", 60, ["research", "students"]), ("l4", nil, ["prod-inference", "research", "platform"]),
        ])),
    ]

    /// The template with its policy replaced by `parts`, the shares taken from the template's policy.
    static func repo(_ parts: [(path: String, part: Part)] = layout) throws -> TestRepo {
        var repo = try TestRepo.template()
        let policy = try #require(repo.load().platform.fairnessPolicy)
        repo.files["policies/default.yaml"] = nil
        for (path, part) in parts {
            repo.files[path] = yaml(part, classes: policy.spec.classes ?? [:])
        }
        return repo
    }

    static func yaml(_ part: Part, classes: [String: GpuFairnessPolicySpec.ClassPolicy]) -> String {
        var text = "apiVersion: fairway.dev/v1alpha1\nkind: GpuFairnessPolicy\nmetadata:\n  name: default\nspec:\n"
        if let weight = part.defaultsWeight { text += "  defaults:\n    weight: \(weight)\n" }
        text += "  classes:\n"
        for (name, maxShare, tenants) in part.classes {
            text += "    \(name):\n"
            if let maxShare { text += "      maxSharePercent: \(maxShare)\n" }
            text += "      tenants:\n"
            for tenant in tenants {
                guard let share = classes[name]?.tenants?[tenant] else { continue }
                text += "        \(tenant):\n" + fields(share).map { "          \($0.0): \($0.1)\n" }.joined()
            }
        }
        return text
    }

    static func fields(_ share: Share) -> [(String, Int)] {
        [("guaranteed", share.guaranteed), ("weight", share.weight), ("borrowingLimit", share.borrowingLimit),
         ("lendingLimit", share.lendingLimit), ("demand", share.demand), ("jobSize", share.jobSize)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    /// The policy as sorted lines, to compare two loads.
    static func describe(_ spec: GpuFairnessPolicySpec) -> [String] {
        var lines = ["defaults.weight=\(spec.defaults?.weight.map(String.init) ?? "-")"]
        for (name, classPolicy) in spec.classes ?? [:] {
            lines.append("\(name).maxSharePercent=\(classPolicy.maxSharePercent.map(String.init) ?? "-")")
            for (tenant, share) in classPolicy.tenants ?? [:] {
                lines.append("\(name).\(tenant): " + fields(share).map { "\($0.0)=\($0.1)" }.joined(separator: " "))
            }
        }
        return lines.sorted()
    }
}

/// One conflict seeded into the split policy: the edit, where the error must be, and the first occurrence.
struct PartConflict: Sendable, CustomTestStringConvertible {
    let what: String
    let path: String
    let old: String
    let new: String
    /// Text on the line of the second occurrence (in `path`), where the error must point.
    let lineOf: String
    /// The part with the first occurrence, and text on its line.
    let first: String
    let firstLineOf: String

    var testDescription: String { what }

    static let all: [PartConflict] = [
        PartConflict(what: "tenant twice in a class", path: "policies/fairness/rest.yaml", old: "  classes:\n",
                     new: "  classes:\n    a100:\n      tenants:\n        research:\n          guaranteed: 1\n",
                     lineOf: "        research:\n", first: "policies/default.yaml",
                     firstLineOf: "        research:\n          guaranteed: 10"),
        PartConflict(what: "maxSharePercent twice", path: "policies/fairness/a100.yaml", old: "    a100:\n",
                     new: "    a100:\n      maxSharePercent: 50\n", lineOf: "      maxSharePercent: 50",
                     first: "policies/default.yaml", firstLineOf: "      maxSharePercent: 75"),
        PartConflict(what: "defaults twice", path: "policies/fairness/rest.yaml", old: "spec:\n",
                     new: "spec:\n  defaults:\n    weight: 2\n", lineOf: "  defaults:",
                     first: "policies/default.yaml", firstLineOf: "  defaults:"),
    ]
}

/// The fairness policy split across several files: merged into the one policy the rest of Fairway
/// reads, with conflicts reported at the second occurrence and policy diagnostics in the right part.
@Suite struct SplitPolicyTests {
    @Test func splitPolicyLoadsLikeTheOneFileForm() throws {
        let one = try TestRepo.template().load()
        let split = try SplitPolicy.repo().load()
        #expect(!split.diagnostics.hasErrors, "\(split.diagnostics.map(\.description))")
        let onePolicy = try #require(one.platform.fairnessPolicy)
        let splitPolicy = try #require(split.platform.fairnessPolicy)
        #expect(SplitPolicy.describe(splitPolicy.spec) == SplitPolicy.describe(onePolicy.spec))
        #expect(split.diagnostics.map(\.code) == one.diagnostics.map(\.code))
        let oneReport = Fairness.evaluate(one.platform, prediction: .off)
        let splitReport = Fairness.evaluate(split.platform, prediction: .off)
        // The same allocations; only the policy's undeclared demand points at another file: its part.
        #expect(withoutDemandPlaces(splitReport.classes) == withoutDemandPlaces(oneReport.classes))
        let demand = splitReport.classes.first { $0.gpuClass == "a100" }?.workloads.filter { $0.kind == "demand" } ?? []
        #expect(!demand.isEmpty && demand.allSatisfy { $0.path == "policies/fairness/a100.yaml" }, "\(demand)")
        #expect(splitReport.diagnostics.map(\.code) == oneReport.diagnostics.map(\.code))
    }

    func withoutDemandPlaces(_ classes: [ClassAllocation]) -> [ClassAllocation] {
        classes.map { allocation in
            var allocation = allocation
            allocation.workloads = allocation.workloads.map { workload in
                var workload = workload
                if workload.kind == "demand" { workload.path = nil; workload.line = nil }
                return workload
            }
            return allocation
        }
    }

    /// Each conflict between parts: the error is at the second occurrence, and names the first.
    @Test(arguments: PartConflict.all)
    func conflictBetweenPartsIsAnError(_ c: PartConflict) throws {
        var repo = try SplitPolicy.repo()
        try repo.replace(c.path, c.old, with: c.new)
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors.map(\.description))")
        let error = try #require(errors.first)
        #expect(error.code == "duplicate-policy-entry")
        #expect(error.location?.path == c.path)
        #expect(error.location?.line == (try repo.line(of: c.lineOf, in: c.path)), "\(error)")
        let firstLine = try repo.line(of: c.firstLineOf, in: c.first)
        #expect(error.notes.contains { $0.location?.path == c.first && $0.location?.line == firstLine }, "\(error.notes)")
        #expect((error.hint ?? "").contains("\(c.first):\(firstLine):"), "\(error.hint ?? "")")
    }

    /// A model rule about a tenant's share points into the part that holds the share.
    @Test func validatorDiagnosticNamesThePartOfTheShare() throws {
        var repo = try SplitPolicy.repo()
        let path = "policies/fairness/a100.yaml"
        try repo.replace(path, "lendingLimit: 2", with: "lendingLimit: 5")
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == ["invalid-range"], "\(errors.map(\.description))")
        #expect(errors.first?.location?.path == path)
        #expect(errors.first?.location?.line == (try repo.line(of: "lendingLimit: 5", in: path)))
    }

    /// A fairness finding about a tenant's guarantee names the part that holds it.
    @Test func fairnessDiagnosticNamesThePartOfTheShare() throws {
        var repo = try SplitPolicy.repo()
        let path = "policies/fairness/a100.yaml"
        try repo.replace(path, "guaranteed: 2", with: "guaranteed: 13")
        let result = repo.load()
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.map(\.description))")
        let report = Fairness.evaluate(result.platform, prediction: .off)
        let line = try repo.line(of: "guaranteed: 13", in: path)
        let places = report.diagnostics.filter { $0.severity == .error }
            .flatMap { [$0.location] + $0.notes.map(\.location) }.compactMap { $0 }
        #expect(places.contains { $0.path == path && $0.line == line }, "\(report.diagnostics.map(\.description))")
    }

    /// The tenant-share key of a split policy locates into the part that holds it.
    @Test func locationsRouteToTheirPart() throws {
        let policy = try #require(try SplitPolicy.repo().load().platform.fairnessPolicy)
        #expect(policy.keyLocation("spec", "classes", "a100", "tenants", "platform").path == "policies/fairness/a100.yaml")
        #expect(policy.keyLocation("spec", "classes", "a100", "tenants", "research").path == "policies/default.yaml")
        #expect(policy.location("spec", "classes", "a100", "maxSharePercent").path == "policies/default.yaml")
        #expect(policy.keyLocation("spec", "classes", "l4").path == "policies/fairness/rest.yaml")
        #expect(policy.keyLocation("spec", "defaults").path == "policies/default.yaml")
    }

    /// The one-file form is a policy of one part, at its file.
    @Test func oneFileFormIsUnchanged() throws {
        let result = try TestRepo.template().load()
        #expect(!result.diagnostics.hasErrors)
        let policy = try #require(result.platform.fairnessPolicy)
        #expect(policy.path == "policies/default.yaml")
        #expect(policy.keyLocation("spec", "classes", "l4", "tenants", "platform").path == "policies/default.yaml")
    }

    /// Any repository part replaces the bundled policy, even without `policies/default.yaml`.
    @Test func repositoryPartsReplaceTheBundledPolicy() throws {
        var parts = SplitPolicy.layout
        parts[0].path = "policies/fairness/main.yaml"
        let result = try SplitPolicy.repo(parts).load()
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.map(\.description))")
        let policy = try #require(result.platform.fairnessPolicy)
        #expect(!policy.path.hasPrefix(BundledPolicies.prefix))
        #expect(Set((policy.spec.classes ?? [:]).keys) == ["a10g-shared", "a100", "h100-mig", "l4"])
        #expect(!result.platform.headers.contains { $0.path.hasPrefix(BundledPolicies.prefix) && $0.kind == .gpuFairnessPolicy })
    }

    /// Parts are read from a directory as from memory (`policies/<folder>/<name>.yaml`).
    @Test func partsInAFolderAreRead() throws {
        let dir = try SplitPolicy.repo().write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let snapshot = try DirectorySource(root: dir.path).read()
        #expect(snapshot.diagnostics.isEmpty, "\(snapshot.diagnostics.map(\.description))")
        #expect(snapshot.files.contains { $0.path == "policies/fairness/a100.yaml" })
        #expect(!PlatformLoader().load(snapshot).diagnostics.hasErrors)
    }

    /// The rendered objects are those of the one-file form; the Kueue objects of the policy name the
    /// part they come from.
    @Test func renderedObjectsNameTheirPart() throws {
        let one = try #require(try Pipeline().evaluate(TestRepo.template().snapshot).desired)
        let split = try #require(try Pipeline().evaluate(SplitPolicy.repo().snapshot).desired)
        func source(_ manifest: Manifest) -> JSONValue? { manifest.body["metadata"]?["annotations"]?[Ownership.sourceAnnotation] }
        func stripped(_ manifests: [Manifest]) -> [String] {
            manifests.map { manifest in
                var text = JSONWriter.string(manifest.body)
                if let path = source(manifest)?.stringValue { text = text.replacingOccurrences(of: path, with: "<source>") }
                return "\(manifest.key) \(text)"
            }.sorted()
        }
        #expect(stripped(split.manifests) == stripped(one.manifests))
        func sourceOf(_ kind: String, _ name: String) -> JSONValue? {
            split.manifests.first { $0.key.kind == kind && $0.key.name == name }.flatMap(source)
        }
        #expect(sourceOf("ClusterQueue", "platform-a100") == "policies/fairness/a100.yaml")
        #expect(sourceOf("ClusterQueue", "research-a100") == "policies/default.yaml")
        #expect(sourceOf("Cohort", "l4") == "policies/fairness/rest.yaml")
    }

    /// Parts in a folder are read from Git too, and the policy's blob id covers every part.
    @Test func partsAreReadFromGit() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        for (path, text) in try SplitPolicy.repo().files where path.hasPrefix("policies/") { try fixture.write(path, text) }
        let commit = try fixture.commitAll("split the fairness policy")
        try fixture.push()
        _ = try fixture.fetch().get()
        let snapshot = try fixture.cache.snapshot(url: fixture.url, commit: commit).get()
        #expect(snapshot.diagnostics.isEmpty, "\(snapshot.diagnostics.map(\.description))")
        let result = PlatformLoader().load(snapshot)
        #expect(result.isValid, "\(result.diagnostics.map(\.description))")
        let policy = try #require(result.platform.fairnessPolicy)
        #expect(policy.parts.map(\.path) == SplitPolicy.layout.map(\.path).sorted())
        #expect(policy.blobID?.split(separator: ",").count == 3)
    }

    /// The file-name rule and the one-document-per-name rule stay for every other kind: a sharing
    /// policy named after another file, or in a policies folder, is still an error.
    @Test func otherKindsKeepTheirRules() throws {
        var repo = try SplitPolicy.repo()
        repo.files["policies/fairness/sharing.yaml"] = repo.files["policies/gpu-sharing.yaml"]
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == ["kind-location"], "\(errors.map(\.description))")
        var renamed = try SplitPolicy.repo()
        renamed.files["policies/sharing.yaml"] = renamed.files.removeValue(forKey: "policies/gpu-sharing.yaml")
        #expect(renamed.load().diagnostics.filter { $0.severity == .error }.map(\.code) == ["name-mismatch"])
    }

    /// A fairness policy part must still be named `default`.
    @Test func partNamedOtherwiseIsAnError() throws {
        var repo = try SplitPolicy.repo()
        try repo.replace("policies/fairness/rest.yaml", "name: default", with: "name: rest")
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == ["invalid-value"], "\(errors.map(\.description))")
        #expect(errors.first?.location?.path == "policies/fairness/rest.yaml")
    }
}
