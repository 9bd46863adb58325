"""The rule lab (规则实验室): drafts of discretion benchmarks, their impact, publishing and history.

- ``drafts``: a draft's rows, checked in a private copy of rules/ (lint, rule tests);
- ``impact``: past case files decided under the published version and the draft;
- ``publish``: append the draft as a new dated version (atomic, locked, recorded in the store);
- ``history``: the versions with who/when/why and a readable diff;
- ``consistency``: 同案同罚, decided fines against the benchmark by department and officer.
"""
