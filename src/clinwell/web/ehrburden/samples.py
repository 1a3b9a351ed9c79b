"""Small sample files of each input format, shown in the empty state and downloadable.

The formats are those of ``clinwell.ehr`` (docs/ehr.md, "Inputs"); the action names in the
sample are from clinwell's shipped Epic-style action map.
"""

from __future__ import annotations

SAMPLES: dict[str, str] = {
    "events": (
        "clinician_id,event_time,action,patient_id,workstation_id\n"
        "E00017,2026-03-02 07:58:12,In Basket message viewed,,WS014\n"
        "E00017,2026-03-02 08:01:40,Notes viewed,P000381,WS014\n"
        "E00017,2026-03-02 08:02:05,Order list changed,P000381,WS014\n"
        "E00017,2026-03-02 20:14:51,Clinical Note Signed,P000381,HOME02\n"
    ),
    "schedule": (
        "clinician_id,start,end\n"
        "E00017,2026-03-02 08:00:00,2026-03-02 12:00:00\n"
        "E00017,2026-03-02 13:00:00,2026-03-02 17:00:00\n"
    ),
    "actions": (
        "action,activity\n"
        "In Basket message viewed,inbox\n"
        "Notes viewed,chart_review\n"
        "Order list changed,order\n"
        "Clinical Note Signed,note\n"
        "Pharmacy for encounter modified,prescription\n"
    ),
    "orders": (
        "order_id,clinician_id,entered_by,event_time\n"
        "O-1001,E00017,RN0042,2026-03-02 09:12:00\n"
        "O-1002,E00017,E00017,2026-03-02 10:40:00\n"
    ),
    "messages": (
        "clinician_id,received_time,message_type\n"
        "E00017,2026-03-02 07:12:00,Patient Medical Advice Request\n"
        "E00017,2026-03-02 09:30:00,Results\n"
        "E00017,2026-03-02 19:05:00,Rx Request\n"
    ),
}

DESCRIPTIONS: dict[str, str] = {
    "events": "One row per audit-log event: who (the EHR user id, matched to the roster's "
    "external id), when (a time with an offset, e.g. 2026-03-02T07:58:12-06:00, or a local time "
    "in the organization's time zone) and which action. patient_id and "
    "workstation_id are optional. An Epic Clarity ACCESS_LOG extract (USER_ID, ACCESS_TIME, "
    "METRIC_NAME / METRIC_ID, PAT_ID, WORKSTATION_ID) is recognized as is.",
    "schedule": "Scheduled patient-care sessions per clinician (start inclusive, end "
    "exclusive). Needed to normalize per 8 scheduled hours and to tell work outside "
    "scheduled time.",
    "actions": "Optional. Maps each action to an activity: note, inbox, order, prescription, "
    "chart_review, results or other. Without it clinwell uses its Epic-style default map "
    "(unconfirmed: review it for your site).",
    "orders": "Optional. Signed orders with the signer (clinician_id) and who entered them; "
    "gives teamwork for orders.",
    "messages": "Optional. In Basket messages received (recipient, time, and the message type "
    "if the extract has it); gives messages received per 8 scheduled hours, by type.",
}
