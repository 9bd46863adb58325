"""Training room in Chromium: a trainer opens an exercise, a trainee completes it and sees graded feedback."""

SCENARIOS = ["gp-no-fault", "gp-minor-under-14"]


def wb_seed(url):
    from workbench.store import models, session_scope

    with session_scope(url) as s:
        s.add(
            models.Officer(
                number="UM001",
                name_masked="张*明",
                department_code="urban_management",
                certificate_no="C-UM001",
                domains=["street_vending"],
                ab_partner="UM002",
            )
        )
        s.add(
            models.Officer(
                number="UM002",
                name_masked="李*华",
                department_code="urban_management",
                certificate_no="C-UM002",
                domains=["street_vending"],
                ab_partner="UM001",
            )
        )


def _scenario_label(code):
    from workbench.training import load_bank

    s = load_bank().get(code)
    return f"{s.id} · {s.title['zh']} · {s.difficulty}"


def test_trainer_opens_exercise_and_trainee_sees_feedback(page, wb_browser, wb_server, wb):
    # -- the trainer builds the exercise by hand and opens it
    wb.open_app(page, wb_server, "training.ipynb")
    page.locator(".wb-training-tabs .lm-TabBar-tab", has_text="练习管理").click()
    page.locator(".wb-ex-trainer input").fill("培训师甲")
    for code in SCENARIOS:
        page.locator(".wb-ex-pick select").select_option(label=_scenario_label(code))
        page.locator(".wb-ex-preview .wb-card").wait_for()
        page.locator(".wb-ex-add-one").click()
        page.wait_for_function(f"document.querySelector('.wb-ex-chosen select').innerText.includes('{code}')")
    page.locator(".wb-ex-name input").fill("浏览器测试练习")
    page.locator(".wb-ex-name input").press("Enter")
    page.locator(".wb-ex-create").click()
    page.locator(".wb-status.wb-ok", has_text="已创建练习").wait_for()
    assert "开放中" in page.inner_text(".wb-ex-table .wb-table-grid")
    wb.shot(page, "trainer-opened")
    wb.assert_no_error_text(page)

    # -- a trainee, in a browser of their own, takes it
    context = wb_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    trainee = context.new_page()
    trainee.wb_test_name, trainee.wb_shots = page.wb_test_name + "-trainee", 0
    try:
        wb.open_app(trainee, wb_server, "training.ipynb")
        assert "浏览器测试练习" in trainee.inner_text(".wb-tr-exercise select")
        trainee.locator(".wb-tr-officer input").fill("UM001")
        trainee.locator(".wb-tr-officer input").press("Enter")
        trainee.locator(".wb-tr-start").click()
        trainee.locator(".wb-tr-position b").wait_for()
        for code in SCENARIOS:
            trainee.locator(f'.wb-tr-scenario [data-scenario="{code}"]').wait_for()
            trainee.locator(f".wb-q-penalize.wb-for-{code} select").select_option(label="否")
            article = "行政处罚法 第三十三条" if code == "gp-no-fault" else "行政处罚法 第三十条"
            trainee.locator(f".wb-q-basis.wb-for-{code} .wb-check", has_text=article).first.locator(
                "input[type=checkbox]"
            ).check()
            wb.shot(trainee, f"answered-{code}")
            trainee.locator(".wb-tr-submit").click()
            feedback = trainee.locator(f'.wb-tr-feedback .wb-fb[data-scenario="{code}"]')
            feedback.wait_for()
            text = feedback.inner_text()
            assert "正确答案" in text and "法律依据" in text
            assert article in text  # the cited article
            assert ("bars/no_fault" if code == "gp-no-fault" else "bars/under_14") in text  # the engine's trace
            assert "规则版本" in text
            for question in ("penalize", "basis"):  # both answered right: full credit on each
                assert feedback.locator(f'tr[data-question="{question}"] td').last.inner_text() == "100%"
            wb.shot(trainee, f"feedback-{code}")
            if code != SCENARIOS[-1]:
                trainee.locator(".wb-tr-next").click()
        trainee.locator(".wb-tr-done").wait_for()
        assert "练习完成" in trainee.inner_text(".wb-tr-done") and "100%" in trainee.inner_text(".wb-tr-done")
        trainee.locator(".wb-lang button", has_text="English").click()
        trainee.wait_for_function(
            "document.querySelector('.wb-tr-feedback').innerText.includes('Correct answer (engine)')"
        )
        wb.shot(trainee, "feedback-en")
        wb.assert_no_error_text(trainee)
    finally:
        context.close()

    # -- the trainer sees the result
    page.locator(".wb-training-tabs .lm-TabBar-tab", has_text="成绩分析").click()
    page.locator(".wb-res-refresh").click()
    page.locator(".wb-res-trainees .wb-table-grid", has_text="UM001").wait_for()
    matrix = page.inner_text(".wb-res-matrix .wb-table-grid")
    assert "AB岗搭档" in matrix and "street_vending" in matrix
    wb.shot(page, "results")
    wb.assert_no_error_text(page)
