using System.Text.Json;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests.Simulation;

/// <summary>Workload files for the simulation tests, written into a test's directory.</summary>
internal static class Workloads
{
    public static string ReferenceWeek => Path.Combine(RepositoryPaths.Samples, "workloads", "reference-week.json");

    /// <summary>
    /// The reference week's shape in two days, small enough to simulate in seconds: a weekly summary, social clips
    /// with recurring b-roll, a podcast batch, and LLM tasks of every complexity with generated, repeating inputs.
    /// </summary>
    public static string SmallWeek(string directory) => Write(directory, "small-week.json", $$"""
        {
          "days": 2,
          "seed": 1,
          "profile": {{Json(RepositoryPaths.SampleProfile)}},
          "work": [
            { "pipeline": {{Sample("pipelines/render-weekly-summary.yaml")}}, "per_day": [0, 1],
              "inputs": [ { "summary": "This week we cut render costs by half.", "headline": "render costs down fifty percent" } ] },
            { "pipeline": {{Sample("pipelines/render-social-clip.json")}}, "per_day": 1,
              "inputs": [ { "script": "Budget is a constraint.", "scenes": ["city skyline at dawn", "a server room"] },
                          { "script": "Cache what you paid for.", "scenes": ["a server room", "city skyline at dawn"] } ] },
            { "pipeline": {{Sample("pipelines/batch-tts-podcast.json")}}, "per_day": [1, 0],
              "inputs": [ { "segments": ["Welcome to the show.", "Today: budgets.", "Thanks for listening."] } ] },
            { "pipeline": {{LlmTask("llm-doc-task", "simple", "{{ input.task }}")}}, "per_day": 4,
              "generate": { "template": { "task": "Summarise module {n}." }, "distinct": 3 } },
            { "pipeline": {{LlmTask("llm-design-review", "complex", "{{ input.design }}")}}, "per_day": 1,
              "generate": { "template": { "design": "Threat model for flow {n}." }, "distinct": 2 } },
            { "pipeline": {{Sample("pipelines/llm-support-triage.json")}}, "per_day": 2,
              "generate": { "template": { "ticket": "Common question {n}" }, "distinct": 3 } }
          ]
        }
        """);

    /// <summary>
    /// One AI-video step with <c>fallback: queue</c> at 20¢ a run (fal-wan2; the local GPU is down), three runs a day,
    /// under a global limit of 50¢ a day: two runs fit each day and the third waits for midnight.
    /// </summary>
    public static string QueuedAtTheLimit(string directory)
    {
        var budgets = Write(directory, "budgets.json", """{ "global": { "daily_limit_cents": 50 } }""");
        return Write(directory, "queued.json", $$$"""
            {
              "days": 2,
              "seed": 1,
              "registry": {{{Sample("registry.json")}}},
              "budgets": {{{Json(budgets)}}},
              "work": [
                { "pipeline": { "id": "broll", "steps": [ { "name": "clip", "invoke": { "capability": "ai-video-generate", "fallback": "queue",
                                                           "inputs": { "prompt": "{{ input.prompt }}" } } } ] },
                  "per_day": 3, "generate": { "template": { "prompt": "scene {n}" }, "distinct": 1000000 } }
              ]
            }
            """);
    }

    public static string Write(string directory, string name, string json)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string LlmTask(string id, string complexity, string content) => $$"""
        { "id": "{{id}}", "scopes": { "org": "acme", "team": "platform" },
          "steps": [ { "name": "task", "invoke": { "capability": "llm-chat", "complexity": "{{complexity}}", "prefer": "cheapest",
                       "inputs": { "messages": [ { "role": "user", "content": "{{content}}" } ], "max_tokens": 400 } } } ] }
        """;

    private static string Sample(string relative) => Json(Path.Combine(RepositoryPaths.Samples, relative));

    private static string Json(string text) => JsonSerializer.Serialize(text);
}
