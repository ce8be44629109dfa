#!/usr/bin/env python3
"""Drives the two web pages in headless Chromium (Debian's chromium and chromium-driver, through Selenium), for
Tests/EndToEndTests/WebPagesEndToEndTests.swift, which starts the stack, runs this script and checks what it saw.

usage:
  web-pages-check.py upload --base-url URL --screenshots DIR --restaurant ID --key KEY --files A,B
                            --correct NAME --price WON --downloads DIR
  web-pages-check.py photo --base-url URL --screenshots DIR --restaurant ID --key KEY
  web-pages-check.py admin --base-url URL --screenshots DIR --token TOKEN --window 1h

It does what a person would (type, pick files, click) and prints, as its last line, `RESULT ` and a JSON object of
what the page showed; the Swift test asserts on that and on the API. Any step that times out, or a message the
browser logged at SEVERE level (a CSP violation, a script error), exits 1 with the reason: no step is skipped.
Screenshots at 390 px (phone) and 1280 px (desktop) go to DIR.
"""

import argparse
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 60


def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} is missing: scripts/deps.sh test installs chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--lang=ko-KR"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium never looks for (or downloads) one of its own.
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def wait(driver, condition, what):
    try:
        # A stale element is a list the page has just drawn again: look again.
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.2,
                             ignored_exceptions=[StaleElementReferenceException]).until(lambda _: condition())
    except Exception as error:  # a timeout, or the condition failing: either way the step did not happen
        sys.exit(f"timed out waiting for {what}: {error!r}; page status: {statuses(driver)}")


def statuses(driver):
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".status")]


def screenshot(driver, directory, name, width):
    """The whole page at `width` CSS pixels, as a phone or a desktop browser lays it out."""
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 760}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(height, 6000)})
    path = os.path.join(directory, f"{name}-{width}.png")
    driver.save_screenshot(path)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def severe_logs(driver):
    # The browser asks for /favicon.ico by itself; the site has none, and its JSON 404 is no page's fault.
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]


def sign_in(driver, args, key=None, load=True):
    if load:
        driver.get(args.base_url + "/")
    for field, value in (("restaurant-id", args.restaurant), ("api-key", key or args.key)):
        driver.find_element(By.ID, field).clear()
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "#credentials button").click()


def rectangle(driver, element):
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height};", element)


def photo(driver, args):
    """A wrong key's Korean sentence, then the first row's photo with its item's box drawn over it, at both widths."""
    sign_in(driver, args, key="not-this-restaurants-key")
    menu_status = driver.find_element(By.ID, "menu-status")
    wait(driver, lambda: "error" in (menu_status.get_attribute("class") or ""), "the wrong key's error")
    wrong_key = menu_status.text
    driver.get_log("browser")  # drains the log: that 401 was asked for
    sign_in(driver, args, load=False)
    rows = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#menu-rows tr"), "the menu rows")
    rows[0].find_element(By.CSS_SELECTOR, ".show-photo").click()
    image = driver.find_element(By.ID, "photo-image")
    wait(driver, lambda: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image),
         "the photo")
    box = driver.find_element(By.ID, "photo-box")
    wait(driver, box.is_displayed, "the item's box")
    # A file dropped on the zone is chosen as a picked one is (WebDriver cannot drag from the desktop, so the
    # drop event is made in the page, with a File in its DataTransfer).
    driver.execute_script(
        "const files = new DataTransfer(); files.items.add(new File(['%PDF-'], 'dropped.pdf', {type: 'application/pdf'}));"
        "document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true,"
        " cancelable: true}));")
    chosen = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#chosen li")]
    result = {"name_ko": rows[0].find_element(By.CSS_SELECTOR, ".name-ko").get_attribute("value"),
              "wrong_key": wrong_key, "dropped": chosen}
    for width in (1280, 390):
        screenshot(driver, args.screenshots, "photo", width)
        # Measured at that width: the box must stay on the photo as the layout changes.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 760})
        result[str(width)] = {"image": rectangle(driver, image), "box": rectangle(driver, box)}
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return result


def upload(driver, args):
    sign_in(driver, args)
    # Several files at once, as the picker gives them: one path a line.
    driver.find_element(By.ID, "files").send_keys("\n".join(args.files.split(",")))
    driver.find_element(By.ID, "upload-button").click()
    status = driver.find_element(By.ID, "upload-status")
    wait(driver, lambda: status.get_attribute("data-task-status"), "the task to end")
    progress = driver.find_element(By.ID, "upload-progress").get_attribute("value")
    files = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#file-progress li")]
    rows = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#menu-rows tr"), "the menu rows")

    def described(row):
        return {
            "item_id": row.get_attribute("data-item-id"),
            "name_ko": row.find_element(By.CSS_SELECTOR, ".name-ko").get_attribute("value"),
            "prices": row.find_element(By.CSS_SELECTOR, ".prices").get_attribute("value"),
            "needs_review": "needs-review" in (row.get_attribute("class") or ""),
            "reasons": [reason.text for reason in row.find_elements(By.CSS_SELECTOR, ".reason")],
        }

    shown = [described(row) for row in rows]
    screenshot(driver, args.screenshots, "upload", 1280)
    screenshot(driver, args.screenshots, "upload", 390)

    target = next((row for row in rows if described(row)["name_ko"] == args.correct), None)
    if target is None:
        sys.exit(f"no row named {args.correct}: {shown}")
    prices = target.find_element(By.CSS_SELECTOR, ".prices")
    prices.clear()
    prices.send_keys(args.price)
    target.find_element(By.CSS_SELECTOR, ".save").click()
    note = target.find_element(By.CSS_SELECTOR, ".row-status")
    wait(driver, lambda: note.text.strip(), "the save to answer")
    saved_note, corrected_item = note.text, target.get_attribute("data-item-id")

    target.find_element(By.CSS_SELECTOR, ".show-photo").click()
    image = driver.find_element(By.ID, "photo-image")
    wait(driver, lambda: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image)
         or driver.find_element(By.ID, "photo-caption").get_attribute("class"), "the photo")
    photo_width = driver.execute_script("return arguments[0].naturalWidth", image)

    driver.find_element(By.ID, "csv").click()
    link = driver.find_element(By.ID, "csv-link")
    wait(driver, lambda: (link.get_attribute("href") or "").startswith("blob:"), "the CSV link")
    # The file Chromium saved, as a person would open it (the page's CSP rightly lets no script read the blob).
    saved = os.path.join(args.downloads, link.get_attribute("download"))
    wait(driver, lambda: os.path.exists(saved), f"the download {saved}")
    with open(saved, "rb") as file:
        csv_bytes = file.read()
    csv_text = csv_bytes.decode("utf-8-sig")
    screenshot(driver, args.screenshots, "review", 1280)
    screenshot(driver, args.screenshots, "review", 390)

    # An item the OCR missed, added, then deleted again (the page asks first).
    driver.find_element(By.ID, "add-name").send_keys("물냉면")
    driver.find_element(By.ID, "add-prices").send_keys("9,000원")
    driver.find_element(By.CSS_SELECTOR, "#add-item button").click()

    def added_row():
        return next((row for row in driver.find_elements(By.CSS_SELECTOR, "#menu-rows tr")
                     if row.find_element(By.CSS_SELECTOR, ".name-ko").get_attribute("value") == "물냉면"), None)

    added = wait(driver, added_row, "the added row")
    added_item, added_prices = added.get_attribute("data-item-id"), added.find_element(
        By.CSS_SELECTOR, ".prices").get_attribute("value")
    added.find_element(By.CSS_SELECTOR, ".delete").click()
    WebDriverWait(driver, WAIT_SECONDS).until(lambda _: driver.switch_to.alert).accept()
    wait(driver, lambda: added_row() is None, "the deleted row to go")
    return {
        "added_item": added_item, "added_prices": added_prices,
        "progress": progress, "files": files, "rows": shown, "saved_note": saved_note,
        "corrected_item": corrected_item, "photo_width": photo_width,
        "csv_download": link.get_attribute("download"), "csv": csv_text,
        "csv_has_bom": csv_bytes.startswith(b"\xef\xbb\xbf"),
        "stored_restaurant": driver.execute_script("return localStorage.getItem('menu-api.restaurant')"),
    }


def admin(driver, args):
    driver.get(args.base_url + "/admin/")
    driver.find_element(By.ID, "token").send_keys(args.token)
    driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
    status = driver.find_element(By.ID, "status")
    wait(driver, lambda: status.get_attribute("data-window") == "24h", "the first metrics")

    def tiles():
        return {tile.get_attribute("data-kpi"): {"text": tile.text, "status": tile.get_attribute("class")}
                for tile in driver.find_elements(By.CSS_SELECTOR, "#tiles .tile")}

    first = tiles()
    alerts = [alert.get_attribute("data-rule") for alert in driver.find_elements(By.CSS_SELECTOR, "#alerts .alert")]
    alert_texts = [alert.text for alert in driver.find_elements(By.CSS_SELECTOR, "#alerts .alert")]
    charts = len(driver.find_elements(By.CSS_SELECTOR, "#charts svg rect"))
    screenshot(driver, args.screenshots, "admin", 1280)
    screenshot(driver, args.screenshots, "admin", 390)
    Select(driver.find_element(By.ID, "window")).select_by_value(args.window)
    wait(driver, lambda: status.get_attribute("data-window") == args.window, f"the {args.window} window")
    return {
        "tiles": first, "alerts": alerts, "alert_texts": alert_texts, "chart_bars": charts,
        "window_after": status.get_attribute("data-window"), "tiles_after": tiles(),
        "mix": [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#mix .mix-row")],
        "figures": [figure.text for figure in driver.find_elements(By.CSS_SELECTOR, "#figures .figure")],
        "token_in_session": driver.execute_script("return sessionStorage.getItem('menu-api.admin-token') !== null"),
        "token_in_local": driver.execute_script("return localStorage.getItem('menu-api.admin-token') !== null"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page", choices=["upload", "photo", "admin"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--restaurant")
    parser.add_argument("--key")
    parser.add_argument("--files")
    parser.add_argument("--correct")
    parser.add_argument("--price")
    parser.add_argument("--token")
    parser.add_argument("--window", default="1h")
    parser.add_argument("--downloads", default="downloads")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    driver = browser()
    os.makedirs(args.downloads, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": args.downloads})
    try:
        result = {"upload": upload, "photo": photo, "admin": admin}[args.page](driver, args)
        problems = severe_logs(driver)
        if problems:
            sys.exit(f"the browser logged errors: {problems}")
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
