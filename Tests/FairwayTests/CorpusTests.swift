import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayModel
import FairwayYAML

/// One bad platform repository of the corpus: the template with one edit, and the error it must give.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    let category: String
    let file: String
    let old: String
    let new: String
    /// The diagnostic code at `file`:`line`; nil when the edit is valid (the corpus holds a few
    /// hostile-looking edits the target systems accept, so validate must too).
    let code: String?
    /// Text of the line the diagnostic must point at (default: the first line of `new`).
    let at: String?

    var testDescription: String { "\(category): \(name)" }

    /// Every case of every corpus file (`Tests/FairwayTests/Corpus/*.yaml`).
    static let all: [CorpusCase] = {
        let directory = RepoPaths.root.appendingPathComponent("Tests/FairwayTests/Corpus")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().flatMap { name -> [CorpusCase] in
            let category = String(name.dropLast(".yaml".count))
            guard let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let stream = try? YAMLParser.parse(Array(bytes)), let items = stream.documents.first?.items else {
                return [CorpusCase(name: "\(name) does not parse", category: category, file: "", old: "", new: "", code: "unreadable", at: nil)]
            }
            return items.map { item in
                CorpusCase(name: item["case"]?.scalar ?? "?", category: category, file: item["file"]?.scalar ?? "",
                           old: item["old"]?.scalar ?? "", new: item["new"]?.scalar ?? "",
                           code: item["expect"]?.scalar, at: item["at"]?.scalar)
            }
        }
    }()
}

/// The corpus of bad repositories (`Corpus/`, one file per category: wrong types, names, quantities,
/// durations, cross references, YAML): each case loads without a crash, gives its error at its
/// file:line with a non-zero exit, and the whole pipeline (fairness, render) on it neither crashes
/// nor produces a desired state.
@Suite struct CorpusTests {
    @Test func theCorpusIsLarge() {
        #expect(CorpusCase.all.count >= 200, "\(CorpusCase.all.count) cases")
        #expect(!CorpusCase.all.contains { $0.code == "unreadable" })
    }

    /// Every case, one after another on a thread of its own: the corpus is CPU work that would
    /// otherwise hold the cooperative pool the other suites' timed tests need.
    @Test func everyCaseGivesItsErrorAtItsLine() async throws {
        let failures = await Blocking.run { CorpusCase.all.compactMap { corpus in
            do { return try Self.check(corpus) } catch { return "\(corpus.testDescription): \(error)" }
        } }
        #expect(failures.isEmpty, "\(failures.count) of \(CorpusCase.all.count) cases failed:\n\(failures.joined(separator: "\n"))")
    }

    /// What is wrong with `corpus`'s outcome, or nil.
    static func check(_ corpus: CorpusCase) throws -> String? {
        var repo = try TestRepo.template()
        try repo.replace(corpus.file, corpus.old, with: corpus.new)
        let at = corpus.at ?? String(corpus.new.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
        let line = try repo.line(of: at, in: corpus.file)
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        let evaluation = Pipeline().evaluate(repo.snapshot)
        let name = corpus.testDescription
        guard let code = corpus.code else {
            return errors.isEmpty && evaluation.isValid ? nil : "\(name): expected valid; got \(errors.map(\.description))"
        }
        guard errors.contains(where: { $0.code == code && $0.location?.path == corpus.file && $0.location?.line == line }) else {
            return "\(name): expected \(code) at \(corpus.file):\(line); got \(errors.map(\.description))"
        }
        if let unlocated = errors.first(where: { $0.location?.path == nil || ($0.location?.line ?? 0) <= 0 }) {
            return "\(name): an error without file:line: \(unlocated.description)"
        }
        return evaluation.isValid || evaluation.desired != nil ? "\(name): the pipeline produced a desired state" : nil
    }
}
