// The admin dashboard: the metrics route's JSON (KPIs with targets, alerts, hourly series, providers, queue,
// webhooks, review) for a chosen window, read again every minute. The token lives in sessionStorage only, so it
// is gone when the tab closes.
"use strict";

const { request, describe, make } = MenuAPI;
const $ = (id) => document.getElementById(id);
const refreshMilliseconds = 60_000;
const svgNamespace = "http://www.w3.org/2000/svg";

const kpiLabels = {
    tier_1_success_rate: "1차 인식 성공률 · Tier 1 success",
    tier_2_fallback_rate: "2차 전환율 · Fallback rate",
    avg_processing_time_ms: "평균 처리 시간 · Average time",
    price_error_rate: "가격 오류율 · Price errors",
    cache_hit_rate: "캐시 적중률 · Cache hits",
    error_rate: "오류율 · Error rate",
};
const statusLabels = { ok: "목표 달성 · on target", off_target: "목표 미달 · off target", no_data: "데이터 없음 · no data" };
const levelLabels = { critical: "심각 · critical", warning: "주의 · warning" };

let timer = null;

function say(text, isError = false) {
    $("status").textContent = text;
    $("status").classList.toggle("error", isError);
}

$("token").value = sessionStorage.getItem("menu-api.admin-token") || "";

$("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("menu-api.admin-token", $("token").value.trim());
    refresh();
});
$("window").addEventListener("change", refresh);

async function refresh() {
    clearTimeout(timer);
    // An empty token is sent as none: a development service without ADMIN_TOKEN answers loopback clients.
    const token = sessionStorage.getItem("menu-api.admin-token") || undefined;
    const windowName = $("window").value;
    try {
        const path = `/api/v1/admin/ocr/metrics?window=${encodeURIComponent(windowName)}&series=hourly&format=json`;
        const metrics = (await request("GET", path, { token })).body;
        render(metrics);
        const time = new Date().toLocaleTimeString("ko-KR");
        say(`기간 ${metrics.window} · 갱신 ${time} · updated (1분마다 · every minute)`);
        $("status").dataset.window = metrics.window;
    } catch (error) {
        say(describe(error), true);
    }
    timer = setTimeout(refresh, refreshMilliseconds);
}

function render(metrics) {
    $("tiles").replaceChildren(...metrics.kpis.map(tile));
    $("alerts").replaceChildren(
        ...(metrics.alerts.length > 0
            ? metrics.alerts.map(alert)
            : [make("li", { className: "alert" }, "경고 없음 · no alerts")]),
    );
    const series = metrics.series || [];
    $("charts").replaceChildren(
        chart("처리 건수 · Runs per hour", series, (hour) => hour.count, (value) => `${value}`),
        chart("2차 전환율 · Fallback rate", series, (hour) => parseFloat(hour.fallback_rate), (value) => `${value.toFixed(1)}%`),
        chart("평균 처리 시간 · Average time", series, (hour) => hour.avg_processing_time_ms, (value) => `${value} ms`),
    );
    $("figures").replaceChildren(...figures(metrics).map(([label, value]) => make("div", { className: "figure" }, make("span", { className: "value" }, `${value}`), label)));
    $("mix").replaceChildren(...mix(metrics.provider_counts || {}));
    $("review").replaceChildren(
        ...Object.entries(metrics.review || {}).map(([provider, figures]) =>
            make("tr", {}, ...[provider, figures.extracted, figures.corrected, figures.deleted, figures.added, figures.field_accuracy ?? "—"].map((cell) => make("td", {}, `${cell}`))),
        ),
    );
}

function tile(kpi) {
    const element = make(
        "div", { className: `tile ${kpi.status}` },
        make("div", { className: "name" }, kpiLabels[kpi.name] || kpi.name),
        make("div", { className: "value" }, kpi.value),
        make("div", { className: "target" }, `목표 target ${kpi.target}`),
        make("div", { className: "target" }, statusLabels[kpi.status] || kpi.status),
    );
    element.dataset.kpi = kpi.name;
    return element;
}

function alert(item) {
    const element = make(
        "li", { className: `alert ${item.level}` },
        make("strong", {}, `${levelLabels[item.level] || item.level}: ${item.rule} (${item.value})`),
        make("span", { className: "action" }, `조치 · action: ${item.action}`),
    );
    element.dataset.rule = item.rule;
    return element;
}

function figures(metrics) {
    const list = [
        ["파일 · files", metrics.file_count],
        ["인식 실행 · runs", metrics.total_count],
        ["오류 · errors", metrics.error_count],
        ["p50 처리 시간 · p50", `${metrics.p50_processing_time_ms} ms`],
        ["p95 처리 시간 · p95", `${metrics.p95_processing_time_ms} ms`],
        ["메뉴 항목 · items", metrics.item_count],
        ["예상 비용 · est. cost", `$${metrics.estimated_cost_usd}`],
    ];
    if (metrics.queue) {
        const queue = metrics.queue;
        list.push(
            ["대기 중 · queued", queue.queued],
            ["처리 중 · claimed", queue.claimed],
            ["가장 오래 대기 · oldest wait", `${queue.oldest_queued_age_seconds} s`],
            ["재할당 · re-claims", queue.reclaims],
            ["웹훅 실패 · webhooks failed", queue.webhooks.failed],
            ["웹훅 대기 · webhooks pending", queue.webhooks.pending],
        );
    }
    return list;
}

function mix(counts) {
    const entries = Object.entries(counts);
    const total = entries.reduce((sum, [, count]) => sum + count, 0);
    if (total === 0) return [make("p", { className: "status" }, "데이터 없음 · no data")];
    return entries.map(([provider, count]) => {
        const bar = make("div", { className: "mix-bar" });
        // Sizes through the CSSOM: the CSP forbids style attributes, not style properties set from a script.
        bar.style.width = `${(count / total) * 100}%`;
        return make("div", { className: "mix-row" }, make("span", {}, provider), make("div", {}, bar), make("span", {}, `${Math.round((count / total) * 100)}%`));
    });
}

function svg(tag, attributes) {
    const element = document.createElementNS(svgNamespace, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    return element;
}

/// A bar chart of one hourly figure, drawn in a 300 x 120 viewBox that scales to the card's width. At least 24 slots,
/// the newest hour at the right, so one busy hour is one bar and not the whole chart.
function chart(title, series, value, format) {
    const width = 300, bottom = 96, slots = Math.max(series.length, 24);
    const drawing = svg("svg", { viewBox: `0 0 ${width} 120`, role: "img", "aria-label": title });
    drawing.append(svg("line", { x1: 0, y1: bottom, x2: width, y2: bottom, class: "axis" }));
    const values = series.map(value);
    const top = Math.max(...values, 0);
    const step = width / slots;
    const first = slots - values.length;
    values.forEach((figure, index) => {
        const barHeight = top > 0 ? (figure / top) * (bottom - 16) : 0;
        const x = (first + index) * step;
        const bar = svg("rect", { x: x + 1, y: bottom - barHeight, width: Math.max(step - 2, 1), height: barHeight, class: "bar-shape" });
        const tooltip = svg("title", {});
        tooltip.textContent = `${series[index].hour}: ${format(figure)}`;
        bar.append(tooltip);
        drawing.append(bar);
        if (values.length <= 6) drawing.append(text(x + step / 2, bottom - barHeight - 3, format(figure), "middle"));
    });
    if (values.length === 0) {
        drawing.append(text(width / 2, 55, "데이터 없음 · no data", "middle"));
    } else {
        // The first and the last hour under the axis (UTC, as the service counts hours).
        if (series.length > 1) drawing.append(text(first * step, 110, hourLabel(series[0].hour), "start"));
        drawing.append(text(width, 110, hourLabel(series[series.length - 1].hour), "end"));
    }
    return make("div", { className: "chart" }, make("h3", {}, title), drawing);
}

function text(x, y, content, anchor) {
    const element = svg("text", { x, y, "text-anchor": anchor });
    element.textContent = content;
    return element;
}

/// `2026-02-19T10:00:00Z` as `02-19 10:00 UTC`.
function hourLabel(hour) {
    return `${hour.slice(5, 10)} ${hour.slice(11, 16)} UTC`;
}

// Only a token given in this tab (even an empty one) is used at once; otherwise the form waits for one.
if (sessionStorage.getItem("menu-api.admin-token") !== null) refresh();
