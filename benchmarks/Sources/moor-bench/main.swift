// moor-bench: measures Moor against a public peer on the same control plane, alternating runs,
// and prints both medians and their ratio. Usage: moor-bench apply|sync|render [--objects N] [--runs R]
//   [--parallel P] [--kubeconfig FILE]
import Foundation

struct Options {
    var benchmark = "apply"
    var objects = 1000
    var runs = 5
    var parallel = 32
    var kubeconfig = ProcessInfo.processInfo.environment["KUBECONFIG"] ?? ""

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--objects": objects = Int(iterator.next() ?? "") ?? objects
            case "--runs": runs = Int(iterator.next() ?? "") ?? runs
            case "--parallel": parallel = Int(iterator.next() ?? "") ?? parallel
            case "--kubeconfig": kubeconfig = iterator.next() ?? kubeconfig
            default: benchmark = argument
            }
        }
    }
}

let options = Options(CommandLine.arguments)
switch options.benchmark {
case "apply": try await benchApply(options)
case "sync": try await benchSync(options)
case "render": try await benchRender(options)
default:
    FileHandle.standardError.write(Data("unknown benchmark \(options.benchmark); known: apply, sync, render\n".utf8))
    exit(2)
}
