// The upload and review page: credentials in localStorage, an async upload with progress, the menu as an editable
// table (rows that need review first), the photo an item was read from with its box, and the CSV export.
"use strict";

const { request, describe, make } = MenuAPI;
const $ = (id) => document.getElementById(id);

const reasonLabels = {
    low_confidence: "신뢰도 낮음 · low confidence",
    price_error: "가격 오류 · price error",
    no_price: "가격 없음 · no price",
    conflict: "업로드 간 불일치 · conflict",
    snapped_name: "이름 자동 보정 · name corrected by lexicon",
    fallback_result: "인식 기준 미달 · below the confidence bar",
};
const finishedStatuses = new Set(["completed", "failed", "interrupted"]);
const pollMilliseconds = 1000;

const state = { restaurant: "", key: "", files: [], photos: new Map() };

function menuPath(suffix = "") {
    return `/api/v1/b2b/restaurants/${encodeURIComponent(state.restaurant)}/menus${suffix}`;
}

function say(element, text, isError = false) {
    element.textContent = text;
    element.classList.toggle("error", isError);
}

// MARK: Credentials

function loadCredentials() {
    state.restaurant = localStorage.getItem("menu-api.restaurant") || "";
    state.key = localStorage.getItem("menu-api.key") || "";
    $("restaurant-id").value = state.restaurant;
    $("api-key").value = state.key;
}

$("credentials").addEventListener("submit", (event) => {
    event.preventDefault();
    state.restaurant = $("restaurant-id").value.trim();
    state.key = $("api-key").value.trim();
    localStorage.setItem("menu-api.restaurant", state.restaurant);
    localStorage.setItem("menu-api.key", state.key);
    loadMenu();
});

// MARK: Choosing files

function choose(files) {
    state.files = Array.from(files);
    $("chosen").replaceChildren(...state.files.map((file) => make("li", {}, `${file.name} (${Math.ceil(file.size / 1024)} KB)`)));
}

for (const id of ["files", "files-library"]) $(id).addEventListener("change", () => choose($(id).files));
const dropZone = $("drop-zone");
for (const name of ["dragenter", "dragover"]) {
    dropZone.addEventListener(name, (event) => {
        event.preventDefault();
        dropZone.classList.add("dragging");
    });
}
for (const name of ["dragleave", "drop"]) {
    dropZone.addEventListener(name, () => dropZone.classList.remove("dragging"));
}
dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    choose(event.dataTransfer.files);
});

// MARK: Uploading

$("upload").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("upload-status");
    if (!state.restaurant) return say(status, "먼저 식당 ID와 API 키를 저장해 주세요.", true);
    if (state.files.length === 0) return say(status, describe({ code: "no_files" }), true);
    const form = new FormData();
    for (const file of state.files) form.append("files", file, file.name);
    const progress = $("upload-progress");
    progress.hidden = false;
    progress.value = 0;
    $("upload-button").disabled = true;
    $("file-progress").replaceChildren();
    say(status, "올리는 중… Uploading…");
    try {
        // respond-async: the answer comes as soon as the files are stored, and the task is polled for progress.
        const answer = await request("POST", menuPath("/upload-images"), {
            token: state.key, body: form, headers: { Prefer: "respond-async" },
            onUploadProgress: (fraction) => { progress.value = fraction; },
        });
        progress.value = 1;
        const location = answer.headers("Location") || answer.body.status_url;
        await follow(location, answer.body.total);
    } catch (error) {
        say(status, describe(error), true);
    } finally {
        $("upload-button").disabled = false;
    }
});

/// Polls the task until it ends, listing each file as it finishes, then shows the menu.
async function follow(location, total) {
    const status = $("upload-status");
    for (;;) {
        const task = (await request("GET", location, { token: state.key })).body;
        say(status, `처리 중 ${task.done} / ${task.total} · Processing`);
        showResults(task.results);
        if (finishedStatuses.has(task.status)) {
            const failedText = task.failed > 0 ? `, 실패 ${task.failed}개 · failed` : "";
            say(status, `완료: 성공 ${task.successful}개 / ${total}개${failedText} · Done`, task.failed > 0);
            status.dataset.taskStatus = task.status;
            await loadMenu();
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, pollMilliseconds));
    }
}

/// One line per finished file (a PDF's pages each), then one per chosen file not finished yet.
function showResults(results) {
    const finished = results.map((result) => {
        const name = result.page ? `${result.file} (${result.page}쪽)` : result.file;
        const text =
            result.status === "success"
                ? `✓ ${name}: 메뉴 ${result.menu_count}개 · ${result.menu_count} items`
                : `✗ ${name}: ${describe(result.error || {})}`;
        return make("li", { className: result.status === "success" ? "ok" : "error" }, text);
    });
    const names = new Set(results.map((result) => result.file));
    const waiting = state.files
        .filter((file) => !names.has(file.name))
        .map((file) => make("li", { className: "waiting" }, `… ${file.name}: 처리 중 · processing`));
    $("file-progress").replaceChildren(...finished, ...waiting);
}

// MARK: The menu

async function loadMenu() {
    const status = $("menu-status");
    if (!state.restaurant) return;
    say(status, "메뉴를 불러오는 중… Loading…");
    try {
        // The whole menu, page by page (500 is the route's largest page).
        const all = [];
        for (let offset = 0; offset !== null; ) {
            const page = (await request("GET", menuPath(`?limit=500&offset=${offset}`), { token: state.key })).body;
            all.push(...page.items);
            offset = page.next_offset;
        }
        // Rows that need review first, keeping the service's order (category, then name) within each group.
        const items = all.sort((a, b) => Number(b.needs_review) - Number(a.needs_review));
        $("menu-rows").replaceChildren(...items.map(row));
        const toReview = items.filter((item) => item.needs_review).length;
        say($("menu-summary"), `메뉴 ${items.length}개, 검토 필요 ${toReview}개 · ${items.length} items, ${toReview} to review`);
        say(status, "");
    } catch (error) {
        say(status, describe(error), true);
    }
}

function pricesText(item) {
    return item.prices.map((price) => (price.label ? `${price.label} ${price.amount}` : `${price.amount}`)).join(" / ");
}

/// "8000" or "소 8,000 / 대 12000원" into `[{label, amount}]`; null when a part is no price.
function parsePrices(text) {
    const parts = text.split("/").map((part) => part.trim()).filter((part) => part.length > 0);
    const prices = [];
    for (const part of parts) {
        const match = /^(.*?)\s*([\d,]+)\s*원?$/.exec(part);
        if (!match) return null;
        prices.push({ label: match[1].trim() || null, amount: Number(match[2].replace(/,/g, "")) });
    }
    return prices;
}

function input(className, value, label) {
    return make("input", { className, value: value || "", ariaLabel: label });
}

/// A cell whose column name a phone shows above it (style.css), as the header row is hidden there.
function cell(label, child) {
    const td = make("td", {}, child);
    td.dataset.label = label;
    return td;
}

function row(item) {
    const reasons = make(
        "td", { className: "reasons" },
        ...(item.needs_review ? item.review_reasons : []).map((reason) => make("span", { className: "reason" }, reasonLabels[reason] || reason)),
    );
    if (item.corrected) reasons.append(make("span", { className: "corrected" }, "수정됨 · corrected"));
    const market = make("input", { type: "checkbox", className: "market", checked: item.market_price, ariaLabel: "시가 market price" });
    const note = make("span", { className: "row-status", role: "status" });
    const save = make("button", { type: "button", className: "save" }, "저장 Save");
    const remove = make("button", { type: "button", className: "delete" }, "삭제 Delete");
    const photo = make("button", { type: "button", className: "show-photo", disabled: !item.source }, "사진 Photo");
    const tr = make(
        "tr", { className: item.needs_review ? "needs-review" : "" },
        reasons,
        cell("이름 · Name (ko)", input("name-ko", item.name_ko, "이름 name")),
        cell("영문 · Name (en)", input("name-en", item.name_en, "영문 English name")),
        cell("분류 · Category", input("category", item.category, "분류 category")),
        cell("가격 · Prices", input("prices", pricesText(item), "가격 prices")),
        cell("시가 · Market price", market),
        make("td", { className: "actions" }, save, remove, photo, note),
    );
    tr.dataset.itemId = item.item_id;
    save.addEventListener("click", () => saveRow(tr, item, note));
    remove.addEventListener("click", () => deleteRow(tr, item, note));
    photo.addEventListener("click", () => showPhoto(item, true));
    tr.addEventListener("focusin", () => { if (item.source) showPhoto(item); });
    return tr;
}

/// The fields of a row that differ from what the service answered: a PATCH sends only those.
function changes(tr, item) {
    const change = {};
    for (const [className, field] of [["name-ko", "name_ko"], ["name-en", "name_en"], ["category", "category"]]) {
        const value = tr.querySelector(`.${className}`).value.trim();
        if (value !== (item[field] || "")) change[field] = value === "" && field !== "name_ko" ? null : value;
    }
    const pricesInput = tr.querySelector(".prices").value;
    if (pricesInput.trim() !== pricesText(item)) change.prices = parsePrices(pricesInput);
    const market = tr.querySelector(".market").checked;
    if (market !== item.market_price) change.market_price = market;
    return change;
}

async function saveRow(tr, item, note) {
    const change = changes(tr, item);
    if (change.prices === null) return say(note, "가격은 '8000' 또는 '소 8000 / 대 12000'처럼 적어 주세요.", true);
    if (Object.keys(change).length === 0) return say(note, "바뀐 내용이 없습니다 · no change");
    try {
        const saved = (await request("PATCH", menuPath(`/items/${item.item_id}`), { token: state.key, body: change })).body;
        Object.assign(item, saved);
        tr.classList.remove("needs-review");
        tr.querySelector(".reasons").replaceChildren(make("span", { className: "corrected" }, "수정됨 · corrected"));
        tr.querySelector(".prices").value = pricesText(item);
        say(note, "저장됨 · saved");
    } catch (error) {
        say(note, describe(error), true);
    }
}

async function deleteRow(tr, item, note) {
    if (!window.confirm(`'${item.name_ko}'을(를) 메뉴에서 삭제할까요? Delete this item?`)) return;
    try {
        await request("DELETE", menuPath(`/items/${item.item_id}`), { token: state.key });
        tr.remove();
    } catch (error) {
        say(note, describe(error), true);
    }
}

$("add-item").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("menu-status");
    const prices = parsePrices($("add-prices").value);
    if (prices === null) return say(status, "가격은 '8000' 또는 '소 8000 / 대 12000'처럼 적어 주세요.", true);
    const body = { name_ko: $("add-name").value.trim(), prices };
    const category = $("add-category").value.trim();
    if (category) body.category = category;
    try {
        await request("POST", menuPath("/items"), { token: state.key, body });
        $("add-item").reset();
        await loadMenu();
        say(status, "추가했습니다 · added");
    } catch (error) {
        say(status, describe(error), true);
    }
});

$("reload").addEventListener("click", loadMenu);

// MARK: The photo beside the table

/// The image an item was read from (kept only with KEEP_UPLOADS=1), fetched with the key as a Blob because an
/// <img src> cannot send the Authorization header; the item's box is drawn over it when it has one.
async function showPhoto(item, reveal = false) {
    const figure = $("photo");
    const source = item.source;
    const path = `/api/v1/b2b/tasks/${source.task_id}/files/${source.file_index}`;
    figure.hidden = false;
    document.querySelector(".review").classList.add("with-photo");
    say($("photo-caption"), `${source.file} · ${item.name_ko}`);
    try {
        if (!state.photos.has(path)) {
            const blob = (await request("GET", path, { token: state.key, responseType: "blob" })).body;
            state.photos.set(path, URL.createObjectURL(blob));
        }
        $("photo-image").src = state.photos.get(path);
        $("photo-image").hidden = false;
    } catch (error) {
        $("photo-image").hidden = true;
        say($("photo-caption"), `${source.file}: ${describe(error)}`, true);
    }
    // On a phone the photo stands below the table: the button brings it into view (focusing a field does not).
    if (reveal && window.matchMedia("(max-width: 759px)").matches) figure.scrollIntoView({ block: "nearest" });
    const box = $("photo-box");
    box.hidden = !source.bbox;
    if (source.bbox) {
        // Boxes are fractions of the page, so percentages place them at any displayed size.
        box.style.left = `${source.bbox.x * 100}%`;
        box.style.top = `${source.bbox.y * 100}%`;
        box.style.width = `${source.bbox.w * 100}%`;
        box.style.height = `${source.bbox.h * 100}%`;
    }
}

// MARK: CSV

/// The export needs the key too, so it is fetched as a Blob and offered through an object URL.
$("csv").addEventListener("click", async () => {
    const status = $("menu-status");
    try {
        const blob = (await request("GET", menuPath("?format=csv"), { token: state.key, responseType: "blob" })).body;
        const link = $("csv-link");
        if (link.href) URL.revokeObjectURL(link.href);
        link.href = URL.createObjectURL(blob);
        link.download = `menu-${state.restaurant}.csv`;
        link.hidden = false;
        link.click();
    } catch (error) {
        say(status, describe(error), true);
    }
});

loadCredentials();
loadMenu();
