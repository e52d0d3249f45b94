import SpendAggregation
import SpendDashboard
import SpendEvents
import Testing

/// Whole screens rendered from ``Sample`` data, compared with literal lines.
@Suite struct GoldenScreenTests {
    static func focused(_ pane: PaneKind) -> ViewState {
        var view = ViewState()
        view.focusedPane = pane
        return view
    }

    @Test func providerPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.provider), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By provider ───────────────────────────────────────────────────────────────┐",
            "│provider                                    spend▼ share    reqs     p95 cache│",
            "│anthropic                                  $600.00   60%    3.0k    2.4s   20%│",
            "│openai                                     $300.00   30%    5.0k    1.5s   10%│",
            "│google                                     $100.00   10%    2.0k   900ms    0%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By model: claude-sonnet-4 $450.00 45%,… Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "provider-80x24")
    }

    @Test func modelPaneAt80x24() {
        var view = Self.focused(.model)
        view.selection[.model] = 2
        expectScreen(Sample.render(view, width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By model ──────────────────────────────────────────────────────────────────┐",
            "│model                                       spend▼ share    reqs     p95 cache│",
            "│claude-sonnet-4                            $450.00   45%    2.0k    2.6s   20%│",
            "│gpt-4o                                     $250.00   25%    3.0k    1.7s   17%│",
            "│claude-haiku-3-5                           $150.00   15%    1.0k   800ms   20%│",
            "│gemini-1.5-pro                             $100.00   10%    2.0k   900ms    0%│",
            "│gpt-4o-mini                                 $50.00    5%    2.0k   600ms    0%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "model-80x24")
    }

    @Test func servicePaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.service), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By service ────────────────────────────────────────────────────────────────┐",
            "│service                                     spend▼ share    reqs     p95 cache│",
            "│cj_assessment_service                      $700.00   70%    6.0k    2.0s   15%│",
            "│chat_frontend                              $300.00   30%    4.0k    1.2s    5%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "service-80x24")
    }

    @Test func organizationPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.organization), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By organization ───────────────────────────────────────────────────────────┐",
            "│organization                                spend▼ share    reqs     p95 cache│",
            "│▲ acme 112%                                $500.00   50%    4.0k    1.8s   13%│",
            "│! globex 84%                               $250.00   25%    3.0k    1.6s   10%│",
            "│Acme Labs                                  $150.00   15%    2.0k    1.4s   10%│",
            "│東京商事                                    $60.00    6%     600    1.0s    0%│",
            "│(none)                                      $40.00    4%     400   700ms   25%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "organization-80x24")
    }

    @Test func usersPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.users), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Top users ─────────────────────────────────────────────────────────────────┐",
            "│user                                        spend▼ share    reqs     p95 cache│",
            "│alice@acme.example                         $300.00   30%    1.5k    1.9s   20%│",
            "│bob@globex.example                         $200.00   20%    1.0k    1.2s    0%│",
            "│(none)                                     $500.00   50%    7.5k    1.7s   11%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "users-80x24")
    }

    @Test func usersPaneRedacted() {
        let options = RenderOptions(redactsUsers: true)
        expectScreen(Sample.render(Self.focused(.users), width: 80, height: 24, options: options), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Top users ─────────────────────────────────────────────────────────────────┐",
            "│user                                        spend▼ share    reqs     p95 cache│",
            "│user#7cc110                                $300.00   30%    1.5k    1.9s   20%│",
            "│user#8dd176                                $200.00   20%    1.0k    1.2s    0%│",
            "│(none)                                     $500.00   50%    7.5k    1.7s   11%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "users-redacted-80x24")
    }

    @Test func latencyPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.latency), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Latency ───────────────────────────────────────────────────────────────────┐",
            "│provider / model                                   p50     p90     p99     max│",
            "│anthropic                                         1.2s    1.9s    4.8s    7.2s│",
            "│openai                                           750ms    1.2s    3.0s    4.5s│",
            "│google                                           450ms   720ms    1.8s    2.7s│",
            "│  claude-sonnet-4                                 1.3s    2.1s    5.2s    7.8s│",
            "│  gpt-4o                                         850ms    1.4s    3.4s    5.1s│",
            "│  claude-haiku-3-5                               400ms   640ms    1.6s    2.4s│",
            "│  gemini-1.5-pro                                 450ms   720ms    1.8s    2.7s│",
            "│  gpt-4o-mini                                    300ms   480ms    1.2s    1.8s│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Top users: alice@acme.example $300.00 …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "latency-80x24")
    }

    @Test func timelinePaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.timeline), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Spend over time ───────────────────────────────────────────────────────────┐",
            "│peak $12.00/1m  shown $169.00                                                 │",
            "│                                                                           █  │",
            "│                                                         ▃         ▃       █ ▃│",
            "│                                                        ▄█        ▄█       █▄█│",
            "│                                                       ▆██       ▆██       ███│",
            "│                                                      ▇███      ▇███      ▇███│",
            "│                                                    ▂█████    ▂█████    ▂█████│",
            "│                                                   ▃██████   ▃██████   ▃██████│",
            "│                                                  ▄███████  ▄███████  ▄███████│",
            "│                                                 ▆████████ ▆████████ ▆████████│",
            "│                                                ▇█████████▇█████████▇█████████│",
            "│                                                -30m00s           now 22:13:20│",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Latency: p50 800ms p90 1.9s p99 4.1s",
            "By model: claude-sonnet-4 $450.00 45%,… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Top users: alice@acme.example $300.00 …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "timeline-80x24")
    }

    @Test func tailPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.tail), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Live tail ─────────────────────────────────────────────────────────────────┐",
            "│time     model                cost latency provider  org          user        │",
            "│22:13:19 claude-sonnet-4   $0.0312    2.1s anthropic acme         alice@acme.…│",
            "│22:13:18 gpt-4o (cached)   $0.0000    40ms openai    globex       bob@globex.…│",
            "│22:13:16 gemini-1.5-pro    $0.0045   870ms google    (none)       (none)      │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Latency: p50 800ms p90 1.9s p99 4.1s",
            "By model: claude-sonnet-4 $450.00 45%,… Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Data quality: ! invalid 45, duplicates…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Top users: alice@acme.example $300.00 …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "tail-80x24")
    }

    @Test func qualityPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.quality), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Data quality ──────────────────────────────────────────────────────────────┐",
            "│counter                                                           count  share│",
            "│  messages                                                       10,250   100%│",
            "│  events                                                         10,000    98%│",
            "│● skipped: not JSON                                                   0     0%│",
            "│! skipped: invalid                                                   45    <1%│",
            "│  skipped: other event type                                         200     2%│",
            "│! duplicates                                                          5    <1%│",
            "│● late                                                                0     0%│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Latency: p50 800ms p90 1.9s p99 4.1s",
            "By model: claude-sonnet-4 $450.00 45%,… Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Budgets: ▲ org:acme 112% of $50.00/day",
            "Top users: alice@acme.example $300.00 …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "quality-80x24")
    }

    @Test func budgetsPaneAt80x24() {
        expectScreen(Sample.render(Self.focused(.budgets), width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › Budgets ───────────────────────────────────────────────────────────────────┐",
            "│budget                      used      spent          limit       burn runs out│",
            "│● total                      50%  $1,000.00  $2,000.00/day  $3.50/min in 4h45m│",
            "│▲ org:acme                  112%     $56.00     $50.00/day  $0.40/min    spent│",
            "│! org:globex                 84%     $42.00     $50.00/day  $0.10/min in 1h20m│",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: anthropic $600.00 60%, 3 … Latency: p50 800ms p90 1.9s p99 4.1s",
            "By model: claude-sonnet-4 $450.00 45%,… Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "budgets-80x24")
    }

    @Test func allPanesAt200x60() {
        var view = ViewState(window: .fifteenMinutes, filter: "provider!=google")
        view.focusedPane = .organization
        view.selection[.organization] = 1
        expectScreen(Sample.render(view, width: 200, height: 60), [
            " spendtop  $1,000.00 in 15m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s  p99 4.1s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago  from localhost:9092 cost-tracking",
            " filter provider!=google  window 15m  UTC 22:13:20  sort spend",
            "┌ By provider ───────────────────────────────────────────────────┐┌ By model ───────────────────────────────────────────────────────┐┌ By service ─────────────────────────────────────────────────────┐",
            "│provider                      spend▼ share    reqs     p95 cache││model                          spend▼ share    reqs     p95 cache││service                        spend▼ share    reqs     p95 cache│",
            "│anthropic                    $600.00   60%    3.0k    2.4s   20%││claude-sonnet-4               $450.00   45%    2.0k    2.6s   20%││cj_assessment_service         $700.00   70%    6.0k    2.0s   15%│",
            "│openai                       $300.00   30%    5.0k    1.5s   10%││gpt-4o                        $250.00   25%    3.0k    1.7s   17%││chat_frontend                 $300.00   30%    4.0k    1.2s    5%│",
            "│google                       $100.00   10%    2.0k   900ms    0%││claude-haiku-3-5              $150.00   15%    1.0k   800ms   20%││                                                                 │",
            "│                                                                ││gemini-1.5-pro                $100.00   10%    2.0k   900ms    0%││                                                                 │",
            "│                                                                ││gpt-4o-mini                    $50.00    5%    2.0k   600ms    0%││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "└────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘",
            "┌ › By organization ─────────────────────────────────────────────┐┌ Top users ──────────────────────────────────────────────────────┐┌ Latency ────────────────────────────────────────────────────────┐",
            "│organization                  spend▼ share    reqs     p95 cache││user                           spend▼ share    reqs     p95 cache││provider / model                      p50     p90     p99     max│",
            "│▲ acme 112%                  $500.00   50%    4.0k    1.8s   13%││alice@acme.example            $300.00   30%    1.5k    1.9s   20%││anthropic                            1.2s    1.9s    4.8s    7.2s│",
            "│! globex 84%                 $250.00   25%    3.0k    1.6s   10%││bob@globex.example            $200.00   20%    1.0k    1.2s    0%││openai                              750ms    1.2s    3.0s    4.5s│",
            "│Acme Labs                    $150.00   15%    2.0k    1.4s   10%││(none)                        $500.00   50%    7.5k    1.7s   11%││google                              450ms   720ms    1.8s    2.7s│",
            "│東京商事                      $60.00    6%     600    1.0s    0%││                                                                 ││  claude-sonnet-4                    1.3s    2.1s    5.2s    7.8s│",
            "│(none)                        $40.00    4%     400   700ms   25%││                                                                 ││  gpt-4o                            850ms    1.4s    3.4s    5.1s│",
            "│                                                                ││                                                                 ││  claude-haiku-3-5                  400ms   640ms    1.6s    2.4s│",
            "│                                                                ││                                                                 ││  gemini-1.5-pro                    450ms   720ms    1.8s    2.7s│",
            "│                                                                ││                                                                 ││  gpt-4o-mini                       300ms   480ms    1.2s    1.8s│",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "│                                                                ││                                                                 ││                                                                 │",
            "└────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘",
            "┌ Spend over time ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐┌ Budgets ────────────────────────────────────────────────────────┐",
            "│peak $12.00/1m  shown $169.00                                                                                                      ││budget         used      spent          limit       burn runs out│",
            "│                                                                                                                                █  ││● total         50%  $1,000.00  $2,000.00/day  $3.50/min in 4h45m│",
            "│                                                                                                              ▃         ▃       █ ▃││▲ org:acme     112%     $56.00     $50.00/day  $0.40/min    spent│",
            "│                                                                                                             ▄█        ▄█       █▄█││! org:globex    84%     $42.00     $50.00/day  $0.10/min in 1h20m│",
            "│                                                                                                            ▆██       ▆██       ███││                                                                 │",
            "│                                                                                                           ▇███      ▇███      ▇███││                                                                 │",
            "│                                                                                                         ▂█████    ▂█████    ▂█████││                                                                 │",
            "│                                                                                                        ▃██████   ▃██████   ▃██████││                                                                 │",
            "│                                                                                                       ▄███████  ▄███████  ▄███████││                                                                 │",
            "│                                                                                                      ▆████████ ▆████████ ▆████████││                                                                 │",
            "│                                                                                                     ▇█████████▇█████████▇█████████││                                                                 │",
            "│                                                                                                     -30m00s           now 22:13:20││                                                                 │",
            "└───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘",
            "┌ Live tail ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐┌ Data quality ───────────────────────────────────────────────────┐",
            "│time     model                        cost latency provider  org                                user                               ││counter                                              count  share│",
            "│22:13:19 claude-sonnet-4           $0.0312    2.1s anthropic acme                               alice@acme.example                 ││  messages                                          10,250   100%│",
            "│22:13:18 gpt-4o (cached)           $0.0000    40ms openai    globex                             bob@globex.example                 ││  events                                            10,000    98%│",
            "│22:13:16 gemini-1.5-pro            $0.0045   870ms google    (none)                             (none)                             ││● skipped: not JSON                                      0     0%│",
            "│                                                                                                                                   ││! skipped: invalid                                      45    <1%│",
            "│                                                                                                                                   ││  skipped: other event type                            200     2%│",
            "│                                                                                                                                   ││! duplicates                                             5    <1%│",
            "│                                                                                                                                   ││● late                                                   0     0%│",
            "│                                                                                                                                   ││                                                                 │",
            "│                                                                                                                                   ││                                                                 │",
            "│                                                                                                                                   ││                                                                 │",
            "│                                                                                                                                   ││                                                                 │",
            "└───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘└─────────────────────────────────────────────────────────────────┘",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  s sort  f freeze  z zone  t theme  S snapshot  ? help  q quit",
        ], name: "all-200x60")
    }

    @Test func asciiTwoColumnsAt120x40() {
        var view = Self.focused(.budgets)
        view.sort = .name
        expectScreen(Sample.render(view, width: 120, height: 40, options: RenderOptions(glyphs: .ascii)), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour>$1,120.00  day>$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s  p99 4.1s",
            " o connected  events 33.3/s  lag 12  newest 0.4s ago  from localhost:9092 cost-tracking",
            " filter none  window 5m  UTC 22:13:20  sort name",
            "+ By provider ---------------------------------------------++ By model ------------------------------------------------+",
            "|provider^                spend share    reqs     p95 cache||model^                   spend share    reqs     p95 cache|",
            "|anthropic              $600.00   60%    3.0k    2.4s   20%||claude-haiku-3-5       $150.00   15%    1.0k   800ms   20%|",
            "|google                 $100.00   10%    2.0k   900ms    0%||claude-sonnet-4        $450.00   45%    2.0k    2.6s   20%|",
            "|openai                 $300.00   30%    5.0k    1.5s   10%||gemini-1.5-pro         $100.00   10%    2.0k   900ms    0%|",
            "|                                                          ||gpt-4o                 $250.00   25%    3.0k    1.7s   17%|",
            "+----------------------------------------------------------++---------------------------------------------------- 1/5 -+",
            "+ By service ----------------------------------------------++ By organization -----------------------------------------+",
            "|service^                 spend share    reqs     p95 cache||organization^            spend share    reqs     p95 cache|",
            "|chat_frontend          $300.00   30%    4.0k    1.2s    5%||(none)                  $40.00    4%     400   700ms   25%|",
            "|cj_assessment_ser~     $700.00   70%    6.0k    2.0s   15%||^ acme 112%            $500.00   50%    4.0k    1.8s   13%|",
            "|                                                          ||Acme Labs              $150.00   15%    2.0k    1.4s   10%|",
            "|                                                          ||! globex 84%           $250.00   25%    3.0k    1.6s   10%|",
            "+----------------------------------------------------------++---------------------------------------------------- 1/5 -+",
            "+ Top users -----------------------------------------------++ Latency -------------------------------------------------+",
            "|user^                    spend share    reqs     p95 cache||provider / model^              p50     p90     p99     max|",
            "|(none)                 $500.00   50%    7.5k    1.7s   11%||anthropic                     1.2s    1.9s    4.8s    7.2s|",
            "|alice@acme.example     $300.00   30%    1.5k    1.9s   20%||google                       450ms   720ms    1.8s    2.7s|",
            "|bob@globex.example     $200.00   20%    1.0k    1.2s    0%||openai                       750ms    1.2s    3.0s    4.5s|",
            "|                                                          ||  claude-haiku-3-5           400ms   640ms    1.6s    2.4s|",
            "+----------------------------------------------------------++---------------------------------------------------- 1/8 -+",
            "+ Spend over time -----------------------------------------++ > Budgets -----------------------------------------------+",
            "|peak $12.00/1m  shown $169.00                             ||budget           used      spent          limit       burn|",
            "|                                    .:        .:       #.:||o total           50%  $1,000.00  $2,000.00/day  $3.50/min|",
            "|                                .:=###    .:=###    .:=###||^ org:acme       112%     $56.00     $50.00/day  $0.40/min|",
            "|                            .:=#######.:=#######.:=#######||! org:globex      84%     $42.00     $50.00/day  $0.10/min|",
            "|                            -30m00s           now 22:13:20||                                                          |",
            "+----------------------------------------------------------++----------------------------------------------------------+",
            "+ Live tail -----------------------------------------------++ Data quality --------------------------------------------+",
            "|time     model                      cost latency provider ||counter                                       count  share|",
            "|22:13:19 claude-sonnet-4         $0.0312    2.1s anthropic||  messages                                   10,250   100%|",
            "|22:13:18 gpt-4o (cached)         $0.0000    40ms openai   ||  events                                     10,000    98%|",
            "|22:13:16 gemini-1.5-pro          $0.0045   870ms google   ||o skipped: not JSON                               0     0%|",
            "|                                                          ||! skipped: invalid                               45    <1%|",
            "+----------------------------------------------------------++----------------------------------------------------------+",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  s sort  f freeze  z zone  t theme  S sna~",
        ], name: "ascii-120x40")
    }

    @Test func tooSmallScreen() {
        expectScreen(Sample.render(width: 59, height: 16), [
            "terminal too small: need at least 60x16, have 59x16; q",
            "quits",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ], name: "too-small-59x16")
        expectScreen(Sample.render(width: 20, height: 5), [
            "terminal too small:",
            "need at least 60x16,",
            "have 20x5; q quits",
            "",
            "",
        ], name: "too-small-20x5")
    }

    @Test func smallestScreenWithPanes() {
        expectScreen(Sample.render(width: 60, height: 16), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00…",
            " requests 33.3/s  in window 10,000  cache hits 11%",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By provider ───────────────────────────────────────────┐",
            "│provider                spend▼ share    reqs     p95 cache│",
            "│anthropic              $600.00   60%    3.0k    2.4s   20%│",
            "│openai                 $300.00   30%    5.0k    1.5s   10%│",
            "│google                 $100.00   10%    2.0k   900ms    0%│",
            "└──────────────────────────────────────────────────────────┘",
            "By model: claude-sonnet-4 $4… Spend over time: ▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_se… Live tail: 22:13:19 claude-s…",
            "By organization: acme $500.0… Data quality: ! invalid 45, …",
            "Top users: alice@acme.exampl… Budgets: ▲ org:acme 112% of …",
            "Latency: p50 800ms p90 1.9s …",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o…",
        ], name: "minimum-60x16")
    }

    @Test func filterEditorWithError() {
        var view = ViewState(filter: "org=acme")
        var editor = FilterEditor(text: "org=acme bogus")
        editor.error = "invalid filter term 'bogus'; expected field=value."
        view.filterEditor = editor
        let lines = Sample.render(view, width: 80, height: 24)
        expectScreen(Array(lines.suffix(2)), [
            " invalid filter term 'bogus'; expected field=value.",
            " filter: org=acme bogus",
        ], name: "filter-editor")
    }

    @Test func organizationPickerOverlay() {
        var view = ViewState()
        view.organizationPicker = OrganizationPicker(query: "ac", matches: ["acme", "Acme Labs"], selection: 1)
        expectScreen(Sample.render(view, width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago",
            " filter none  window 5m  UTC 22:13:20  sort spend",
            "┌ › By provider ───────────────────────────────────────────────────────────────┐",
            "│provider                                    spend▼ share    reqs     p95 cache│",
            "│anthropic                                  $600.00   60%    3.0k    2.4s   20%│",
            "│openai                                     $300.00   30%    5.0k    1.5s   10%│",
            "│google     ┌ Organization ────────────────────────────────────────┐900ms    0%│",
            "│           │ find: ac                                             │           │",
            "│           │ 2 matches                                            │           │",
            "│           │ acme                                                 │           │",
            "│           │›Acme Labs                                            │           │",
            "│           │                                                      │           │",
            "│           └ Enter adds it to the filter, Esc leaves ─────────────┘           │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By model: claude-sonnet-4 $450.00 45%,… Spend over time: ▆▇▁▂▂▃▄▄▅▆▆▇▁▂▂▃▄▄▅█▆▇",
            "By service: cj_assessment_service $700… Live tail: 22:13:19 claude-sonnet-4 $0…",
            "By organization: acme $500.00 50%, 5 r… Data quality: ! invalid 45, duplicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "picker-80x24")
    }

    @Test func helpOverlay() {
        var view = ViewState()
        view.showsHelp = true
        expectScreen(Sample.render(view, width: 80, height: 24), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.00  day→$6,040.00",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s",
            " ● connect┌ Keys ────────────────────────────────────────────────────┐",
            " filter no│ Tab, Shift-Tab   next, previous pane                     │",
            "┌ › By pro│ up, down, j k    move in a pane                          │─────────┐",
            "│provider │ left, right, h l previous, next pane                     │p95 cache│",
            "│anthropic│ Home, End, g G   first, last row                         │.4s   20%│",
            "│openai   │ PgUp, PgDn       move a page                             │.5s   10%│",
            "│google   │ Enter            add the selected row to the filter      │0ms    0%│",
            "│         │ Backspace        back to the previous filter             │         │",
            "│         │ /                edit the filter                         │         │",
            "│         │ o                pick an organization by name            │         │",
            "│         │ w, +, -          next, longer, shorter window            │         │",
            "│         │ s                next sort order                         │         │",
            "│         │ f, Space         freeze the screen (ingestion goes on)   │         │",
            "│         │ z                toggle UTC and local time               │         │",
            "│         │ t                next theme                              │         │",
            "└─────────│ S                save a snapshot of the screen           │─────────┘",
            "By model: │ ?, Esc           close this help                         │▂▂▃▄▄▅█▆▇",
            "By service│ q                quit                                    │net-4 $0…",
            "By organiz└──────────────────────────────────────────────────────────┘plicates…",
            "Top users: alice@acme.example $300.00 … Budgets: ▲ org:acme 112% of $50.00/day",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "help-80x24")
    }

    @Test func pausedBadgeAndLocalTime() {
        var view = ViewState(timeZone: .local)
        view.frozen = true
        var data = Sample.data
        data.frozen = FrozenBadge(sinceMs: Sample.nowMs - 42_000, eventsSince: 1_234)
        let lines = Sample.render(view, data: data, width: 100, height: 30)
        expectScreen(Array(lines.prefix(4)), [
            " spendtop  $1,000.00 in 5m  burn $3.50/min  hour→$1,120.…  PAUSED 42s since 23:12:38, +1,234 events",
            " requests 33.3/s  in window 10,000  cache hits 11%  saved $85.50~  p95 2.2s  p99 4.1s",
            " ● connected  events 33.3/s  lag 12  newest 0.4s ago  from localhost:9092 cost-tracking",
            " filter none  window 5m  local +01:00 23:13:20  sort spend",
        ], name: "paused-header")
    }

    @Test func emptyResultShowsNoEvents() {
        var data = Sample.data
        data.result.rows = [:]
        data.tail = []
        data.budgets = []
        data.timeline = []
        var view = ViewState()
        view.focusedPane = .model
        let lines = Sample.render(view, data: data, width: 80, height: 24)
        expectScreen(Array(lines[4...]), [
            "┌ › By model ──────────────────────────────────────────────────────────────────┐",
            "│model                                       spend▼ share    reqs     p95 cache│",
            "│no events in this window                                                      │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "By provider: no events                  Spend over time: no data yet",
            "By service: no events                   Live tail: no events yet",
            "By organization: no events              Data quality: ! invalid 45, duplicates…",
            "Top users: no events                    Budgets: none set",
            "Latency: p50 800ms p90 1.9s p99 4.1s",
            " Tab pane  up/down row  Enter drill  Bksp back  / filter  o org  w + - window  …",
        ], name: "empty-80x24")
    }

    @Test func focusAndSelectionRoles() {
        var view = Self.focused(.model)
        view.selection[.model] = 1
        let buffer = DashboardRenderer.render(data: Sample.data, view: view, width: 80, height: 24)
        // The focused box starts on row 4; its header is row 5 and its rows start on row 6.
        #expect(buffer[0, 4].role == .focusedBorder)
        #expect(buffer[79, 4].role == .focusedBorder)
        #expect(buffer[1, 7].role == .selection)
        #expect(buffer[78, 7].role == .selection)
        #expect(buffer[1, 6].role == .normal)
        #expect(buffer[1, 5].role == .header)
        #expect(buffer[0, 23].role == .keyHint)
        #expect(buffer[0, 0].role == .title)
    }

    @Test func severityShowsInGlyphs() {
        let lines = Sample.render(Self.focused(.budgets), width: 80, height: 24)
        let overLine = lines.first { $0.contains("org:acme") && $0.contains("112%") }
        let warnLine = lines.first { $0.contains("org:globex") }
        #expect(overLine?.contains("▲ org:acme") == true)
        #expect(warnLine?.contains("! org:globex") == true)
    }
}
