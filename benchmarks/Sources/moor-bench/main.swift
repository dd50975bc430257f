// moor-bench: measures Moor against a public peer on the same control plane, alternating runs,
// and prints both medians and their ratio. Usage:
//   moor-bench apply|sync|render|controller|webhook|preview|api|charts|health|notify
//   [--objects N] [--runs R] [--parallel P] [--kubeconfig FILE] [--apps N] [--poll S] [--steady S] [--concurrency C] [--resync S]
//   [--kubectl-processes 2,4,8]
import Foundation

struct Options {
    var benchmark = "apply"
    var objects = 1000
    var runs = 5
    var parallel = 32
    /// Controller benchmark: applications, poll interval, steady window and resync interval (seconds),
    /// reconciles at once.
    var applications = 200
    var pollInterval = 10.0
    var steadySeconds = 20.0
    var resyncSeconds = 300.0
    var concurrency = 4
    /// Controller benchmark: the numbers of `kubectl` processes side by side its parallel peers run.
    var kubectlProcesses = [2, 4, 8]
    var kubeconfig = ProcessInfo.processInfo.environment["KUBECONFIG"] ?? ""

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--objects": objects = Int(iterator.next() ?? "") ?? objects
            case "--runs": runs = Int(iterator.next() ?? "") ?? runs
            case "--parallel": parallel = Int(iterator.next() ?? "") ?? parallel
            case "--kubeconfig": kubeconfig = iterator.next() ?? kubeconfig
            case "--apps": applications = Int(iterator.next() ?? "") ?? applications
            case "--poll": pollInterval = Double(iterator.next() ?? "") ?? pollInterval
            case "--steady": steadySeconds = Double(iterator.next() ?? "") ?? steadySeconds
            case "--concurrency": concurrency = Int(iterator.next() ?? "") ?? concurrency
            case "--resync": resyncSeconds = Double(iterator.next() ?? "") ?? resyncSeconds
            case "--kubectl-processes":
                kubectlProcesses = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
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
case "controller":
    // Objects per application and hand edits, unless given: 20 and 10.
    var controllerOptions = options
    if !CommandLine.arguments.contains("--objects") { controllerOptions.objects = 20 }
    if !CommandLine.arguments.contains("--runs") { controllerOptions.runs = 10 }
    try await benchController(controllerOptions)
case "webhook": try await benchWebhook(options)
case "preview": try await benchPreview(options)
case "api": try await benchAPI(options)
case "charts": try await benchCharts(options)
case "notify": try await benchNotify(options)
case "health":
    // 10,000 objects unless given.
    var healthOptions = options
    if !CommandLine.arguments.contains("--objects") { healthOptions.objects = 10_000 }
    try await benchHealth(healthOptions)
default:
    let known = "apply, sync, render, controller, webhook, api, charts, health, notify"
    FileHandle.standardError.write(Data("unknown benchmark \(options.benchmark); known: \(known)\n".utf8))
    exit(2)
}
