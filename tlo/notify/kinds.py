"""The kinds of message tlo sends, in one place: each person chooses per kind how to receive
them (tlo.notify.outbox.set_preference), and the page lists them by these labels."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    DISCLOSURE_SUBMITTED = "disclosure_submitted"
    SHARE_TO_CONFIRM = "share_to_confirm"
    CASE_ASSIGNED = "case_assigned"
    FILING_DECISION = "filing_decision"
    PATENT_FILED = "patent_filed"
    LICENSE_SIGNED = "license_signed"
    DISTRIBUTION_POSTED = "distribution_posted"
    CATALOGUE_INQUIRY = "catalogue_inquiry"
    DEADLINE = "deadline"
    # To a licensee's billing contact (no account of ours: always sent at once).
    INVOICE = "invoice"
    LICENSEE_REMINDER = "licensee_reminder"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[Kind, str] = {
    Kind.DISCLOSURE_SUBMITTED: "A disclosure was received",
    Kind.SHARE_TO_CONFIRM: "A share to confirm",
    Kind.CASE_ASSIGNED: "A case was assigned",
    Kind.FILING_DECISION: "A filing decision",
    Kind.PATENT_FILED: "A patent was filed or granted",
    Kind.LICENSE_SIGNED: "A license was signed",
    Kind.DISTRIBUTION_POSTED: "A distribution was posted",
    Kind.CATALOGUE_INQUIRY: "An inquiry from the public catalogue",
    Kind.DEADLINE: "Legal deadlines (officers)",
    Kind.INVOICE: "An invoice (licensees)",
    Kind.LICENSEE_REMINDER: "A reminder of an overdue invoice or report (licensees)",
}

# Legal deadlines to officers cannot be switched off.
ALWAYS_ON = frozenset({Kind.DEADLINE})

# The weekly digest gathers several messages into one: it is no kind anyone chooses.
DIGEST = "digest"
