"""Import legacy records: download the template of a kind, check a filled-in file (a dry run
that lists every problem), then import it, all or nothing, once the same file checks clean."""

import streamlit as st

from tlo import ui
from tlo.reports import importer

CHECKED_KEY = "imp_checked"  # (fingerprint of the checked kind and file, its report)

actor = ui.actor()
st.title("Import legacy records")
st.caption(
    "Bring records over from the office's old system or spreadsheets. Import people first, "
    "then disclosures, patents, companies, agreements and income: each file names records "
    "of the ones before. A file is checked row by row first; it is imported only when no row "
    "has a problem, and then all of it at once."
)
ui.show_flashes()

kind = st.selectbox(
    "Records to import",
    list(importer.KINDS.values()),
    format_func=lambda spec: spec.label,
    key="imp_kind",
)
st.write(kind.summary)
st.download_button(
    f"Download the {kind.label.lower()} template",
    data=lambda name=kind.name: importer.template_workbook(name),
    file_name=f"tlo-import-{kind.name}.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
    key="imp_template",
)
with st.expander("What each column holds"):
    # The template workbook carries the same table on its "Columns" sheet.
    st.dataframe(
        [
            {
                "Column": column.header,
                "Required": "yes" if column.required else "",
                "Format": column.format_label,
                "Allowed values": ", ".join(column.allowed),
                "What it holds": column.description,
            }
            for column in kind.columns
        ],
        hide_index=True,
        placeholder=ui.MISSING,
        width="stretch",
    )

upload = st.file_uploader(
    "Filled-in template (.xlsx)",
    type=["xlsx"],
    max_upload_size=importer.MAX_FILE_MB,
    key=ui.widget_key("imp_file"),
)
content = upload.getvalue() if upload is not None else None
fingerprint = importer.fingerprint(kind.name, content) if content is not None else None


def progress_bar(verb: str):
    bar = st.progress(0.0, text=f"{verb}…")

    def update(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{verb}: {done:,} of {total:,}")

    return bar, update


check_column, import_column = st.columns(2)
if check_column.button("Check", disabled=content is None, key="imp_check"):
    bar, update = progress_bar("Checking every row")
    report = ui.attempt(importer.check_file, kind=kind.name, content=content, progress=update)
    bar.empty()
    if report is not None:
        st.session_state[CHECKED_KEY] = (fingerprint, report)

checked = st.session_state.get(CHECKED_KEY)
report = checked[1] if checked is not None and checked[0] == fingerprint else None
if import_column.button(
    "Import",
    type="primary",
    disabled=report is None or not report.ok,
    help="Check the file first; a file with problems is not imported.",
    key="imp_import",
):
    bar, update = progress_bar("Importing")
    imported = ui.attempt(
        importer.import_file, kind=kind.name, content=content, progress=update, clear="imp_file"
    )
    bar.empty()
    st.session_state.pop(CHECKED_KEY, None)
    if imported is not None:
        ui.flash(
            f"Imported {imported.created:,} {kind.label.lower()} record(s) from {upload.name}."
        )
        st.rerun()
    report = None

if report is not None:
    rows_read, problems = st.columns(2)
    rows_read.metric("Rows read", f"{report.rows_read:,}")
    problems.metric("Problems", f"{len(report.problems):,}")
    if report.ok:
        st.success(
            f"All {report.rows_read:,} rows can be imported. Nothing has been written yet: "
            "press Import."
        )
    else:
        st.warning(
            f"{len(report.problems):,} problem(s) in {report.rows_with_problems:,} row(s). "
            "Correct the file and check it again; nothing is imported while a row is wrong."
        )
        st.dataframe(  # downloadable as the problems workbook just below
            [{"Row": p.row, "Column": p.column, "Problem": p.message} for p in report.problems],
            hide_index=True,
            placeholder=ui.MISSING,
            width="stretch",
        )
        st.download_button(
            "Download the problems (.xlsx)",
            data=importer.problems_workbook(report),
            file_name=f"tlo-import-{kind.name}-problems.xlsx",
            mime=ui.XLSX_MIME,
            key="imp_problems",
        )
