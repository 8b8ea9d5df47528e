"""Director's dashboard: disclosures, the pipeline, license income, patent spend and
reimbursement, licenses and the docket, for a range of fiscal years, narrowed by school,
department or officer."""

import calendar
import statistics
import textwrap

import plotly.graph_objects as go
import streamlit as st

from tlo import ui
from tlo.catalogue import metrics as catalogue_metrics
from tlo.disclosures import targets
from tlo.licensing import invoices
from tlo.money import from_cents
from tlo.reports import dashboard
from tlo.reports.dashboard import DashboardFilters
from tlo.ui import catalogue_panel, receivables_view

actor = ui.actor()
st.title("Dashboard")

with ui.reading() as session:
    choices = dashboard.filter_choices(session, actor=actor)
years = choices.fiscal_years
years_col, school_col, department_col, officer_col = st.columns([3, 2, 2, 2])
first_year, last_year = years_col.select_slider(
    "Fiscal years",
    options=years,
    value=(years[max(0, len(years) - 5)], years[-1]),
    format_func=lambda year: f"FY{year}",
    key="dash_years",
)
school = school_col.selectbox(
    "School",
    choices.schools,
    index=None,
    format_func=lambda choice: choice.name,
    placeholder="Every school",
    key="dash_school",
)
department = department_col.selectbox(
    "Department",
    choices.departments_of(school.id if school else None),
    index=None,
    format_func=lambda choice: choice.name,
    placeholder="Every department",
    key=f"dash_department_{school.id if school else 'all'}",  # fresh when the school changes
)
officer = officer_col.selectbox(
    "Officer",
    choices.officers,
    index=None,
    format_func=lambda choice: choice.name,
    placeholder="Every officer",
    key="dash_officer",
)
filters = DashboardFilters(
    first_fiscal_year=first_year,
    last_fiscal_year=last_year,
    school_id=school.id if school else None,
    department_id=department.id if department else None,
    officer_person_id=officer.id if officer else None,
)
show_deadlines = ui.can("docket.read")
with ui.reading() as session:
    credits = dashboard.disclosures_by_school(session, actor=actor, filters=filters)
    funnel = dashboard.pipeline_funnel(session, actor=actor, filters=filters)
    spend = dashboard.patent_spend(session, actor=actor, filters=filters)
    income = dashboard.income_by_type(session, actor=actor, filters=filters)
    top_technologies = dashboard.top_technologies(session, actor=actor, filters=filters)
    top_licensees = dashboard.top_licensees(session, actor=actor, filters=filters)
    licenses = dashboard.licenses_by_size(session, actor=actor, filters=filters)
    to_license = dashboard.time_to_first_license(session, actor=actor, filters=filters)
    deadlines = (
        dashboard.deadlines_by_month(session, actor=actor, filters=filters)
        if show_deadlines
        else []
    )

LAYOUT = dict(
    height=340,
    margin=dict(l=10, r=10, t=10, b=10),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None),
)
period = f"FY{first_year}" if first_year == last_year else f"FY{first_year}–FY{last_year}"
fiscal_year_labels = [f"FY{year}" for year in range(first_year, last_year + 1)]
MONEY_HOVER = "%{y}: $%{x:,.2f}<br>%{customdata}<extra></extra>"
narrowed = filters.narrows_technologies
credit_note = (
    " Income on a license of several technologies is credited to each by its posted "
    "distribution, or by the license's allocation until it is distributed."
)


def stacked_bars(points, *, order=None, x_title: str, y_title: str, hover: str) -> go.Figure:
    """Bars stacked by series from (x, y, series) points: one trace per series, in `order`
    or as the series first appear. Built with graph_objects: plotly express takes some 40 ms
    a chart to build the same figure."""
    series: dict[str, tuple[list, list]] = {}
    for name in order or ():
        series[name] = ([], [])
    for x, y, name in points:
        xs, ys = series.setdefault(name, ([], []))
        xs.append(x)
        ys.append(y)
    return go.Figure(
        [
            go.Bar(name=name, x=xs, y=ys, hovertemplate=hover, legendgroup=name)
            for name, (xs, ys) in series.items()
            if xs
        ],
        layout={
            "barmode": "relative",
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": y_title}},
        },
    )


def ranking(rows, labels, hover) -> go.Figure:
    """Horizontal bars, largest on top; amounts reach plotly as floats only here."""
    return (
        go.Figure(
            go.Bar(
                x=[float(row.amount) for row in rows],
                y=labels,
                orientation="h",
                customdata=hover,
                hovertemplate=MONEY_HOVER,
                marker={"color": "#8C1515"},
                text=[f"${row.amount:,.0f}" for row in rows],
                textposition="auto",
            )
        )
        .update_yaxes(autorange="reversed", type="category")
        .update_xaxes(tickprefix="$", title="License income")
    )


def panel(title: str, chart: str, figure, *, caption: str, empty: str | None = None) -> None:
    """A bordered panel: the chart (or why there is none), what it shows, its data as Excel."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        if empty:
            st.info(empty, icon=":material/info:")
        else:
            figure.update_layout(**LAYOUT)
            # No mode bar: it hides the legend, and the data comes as Excel below.
            st.plotly_chart(figure, key=f"chart_{chart}", config={"displayModeBar": False})
        st.caption(caption)
        st.download_button(
            "Data as Excel",
            ui.deferred(dashboard.chart_excel_file, chart=chart, filters=filters),
            file_name=f"{chart}-FY{first_year}-FY{last_year}.xlsx",
            mime=ui.XLSX_MIME,
            icon=":material/table:",
            key=f"excel_{chart}",
        )


left, right = st.columns(2)
with left:
    unit_kind = credits[0].unit_kind if credits else "School"
    panel(
        f"Disclosures per fiscal year by {unit_kind.lower()}",
        "disclosures",
        stacked_bars(
            ((f"FY{row.fiscal_year}", float(row.disclosures), row.unit) for row in credits),
            x_title="Fiscal year",
            y_title="Disclosures",
            hover="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
        )
        .add_bar(  # an empty bar in every year, so that years without disclosures show too
            x=[f"FY{year}" for year in range(first_year, last_year + 1)],
            y=[0] * (last_year - first_year + 1),
            showlegend=False,
            hoverinfo="skip",
        )
        .update_xaxes(
            categoryorder="array",
            categoryarray=[f"FY{year}" for year in range(first_year, last_year + 1)],
        ),
        caption="A disclosure is credited to schools (departments) by its inventors' shares, "
        "so each year's bar adds up to the disclosures received.",
        empty=None if credits else f"No disclosures received in {period}.",
    )
with right:
    panel(
        "Pipeline: disclosed → filed → marketed → licensed",
        "funnel",
        go.Figure(
            go.Funnel(
                y=[stage.label for stage in funnel],
                x=[stage.technologies for stage in funnel],
                text=[
                    f"{stage.technologies}"
                    if stage.percent_of_previous is None
                    else f"{stage.technologies} · {stage.percent_of_disclosed} %"
                    for stage in funnel
                ],
                customdata=[
                    f"{stage.percent_of_disclosed} % of disclosed, {stage.percent_of_previous} % "
                    "of the stage before"
                    if stage.percent_of_previous is not None
                    else "every technology disclosed"
                    for stage in funnel
                ],
                textinfo="text",
                textposition="inside",
                insidetextfont={"color": "white"},
                hovertemplate="%{y}: %{x}<br>%{customdata}<extra></extra>",
                marker={"color": "#8C1515"},
            )
        ),
        caption=f"Technologies disclosed in {period} and how far each has come (in % of those "
        "disclosed): a patent application, outreach to a company, a signed license.",
        empty=None if funnel[0].technologies else f"No disclosures received in {period}.",
    )

left, right = st.columns(2)
with left:
    panel(
        "License income by fiscal year and type",
        "income",
        stacked_bars(
            ((f"FY{row.fiscal_year}", float(row.amount), row.income_type) for row in income),
            order=dashboard.LICENSE_INCOME_LABELS,
            x_title="Fiscal year",
            y_title="Received ($)",
            hover="%{x}: $%{y:,.2f}<extra>%{fullData.name}</extra>",
        )
        .add_bar(  # an empty bar in every year, so that years without income show too
            x=fiscal_year_labels,
            y=[0] * len(fiscal_year_labels),
            showlegend=False,
            hoverinfo="skip",
        )
        .update_xaxes(categoryorder="array", categoryarray=fiscal_year_labels)
        .update_yaxes(tickprefix="$"),
        caption="Payments received from licensees, by the fiscal year recorded with each; "
        "patent-cost reimbursements are not license income and show with the patent spend."
        + (credit_note if narrowed else ""),
        empty=None if income else f"No license income received in {period}.",
    )
with right:
    panel(
        "Patent spend and reimbursement by fiscal year",
        "patent_spend",
        go.Figure(
            [
                go.Bar(
                    name="Invoiced by counsel",
                    x=[f"FY{row.fiscal_year}" for row in spend],
                    y=[float(row.amount) for row in spend],
                    customdata=[f"{row.invoices} invoices" for row in spend],
                    marker={"color": "#8C1515"},
                ),
                go.Bar(
                    name="Reimbursed by licensees",
                    x=[f"FY{row.fiscal_year}" for row in spend],
                    y=[float(row.reimbursed) for row in spend],
                    customdata=[f"{row.reimbursements} payments" for row in spend],
                    marker={"color": "#7F7776"},
                ),
            ]
        )
        .update_traces(
            hovertemplate="%{x}: $%{y:,.2f} (%{customdata})<extra>%{fullData.name}</extra>"
        )
        .update_layout(barmode="group")
        .update_yaxes(tickprefix="$"),
        caption="Outside counsel's invoices by the fiscal year of their date; what licensees "
        "paid back (income recorded as patent-cost reimbursement) by its fiscal year. Costs "
        "recovered out of royalties by revenue sharing are license income, not reimbursement.",
        empty=None
        if any(row.invoices or row.reimbursements for row in spend)
        else f"No invoices or reimbursements in {period}.",
    )

left, right = st.columns(2)
with left:
    panel(
        "Top technologies by license income",
        "top_technologies",
        ranking(
            top_technologies,
            [
                f"{row.docket} {textwrap.shorten(row.title, 30, placeholder='…')}"
                for row in top_technologies
            ],
            [f"{row.title} ({row.payments} payments)" for row in top_technologies],
        ),
        caption=f"Up to {dashboard.TOP} technologies: those credited with the most license "
        f"income received in {period}." + credit_note,
        empty=None if top_technologies else f"No license income received in {period}.",
    )
with right:
    panel(
        "Top licensees by license income",
        "top_licensees",
        ranking(
            top_licensees,
            [row.licensee for row in top_licensees],
            [f"{row.licensee_size}, {row.payments} payments" for row in top_licensees],
        ),
        caption=f"Up to {dashboard.TOP} licensees: those that paid the most license income in "
        f"{period}" + (", for the technologies selected." if narrowed else "."),
        empty=None if top_licensees else f"No license income received in {period}.",
    )

left, right = st.columns(2)
with left:
    panel(
        "Licenses and options by licensee size",
        "licenses",
        stacked_bars(
            ((row.licensee_size, row.licenses, row.exclusivity) for row in licenses),
            x_title="Licensee",
            y_title="Signed",
            hover="%{x}: %{y}<extra>%{fullData.name}</extra>",
        ),
        caption=f"Signed in {period}; start-up licenses are exclusive.",
        empty=None if any(row.licenses for row in licenses) else f"Nothing signed in {period}.",
    )
with right:
    median = statistics.median(row.days for row in to_license) if to_license else 0
    panel(
        "Time from disclosure to first license",
        "time_to_license",
        go.Figure(
            go.Histogram(
                x=[row.days for row in to_license],
                xbins={"start": 0, "size": 90},
                marker={"color": "#8C1515"},
            ),
            layout={
                "xaxis": {"title": {"text": "Days from disclosure to first license (90-day bins)"}},
                "yaxis": {"title": {"text": "Technologies"}},
                "bargap": 0.05,
            },
        ),
        caption=f"Technologies first licensed in {period}: {len(to_license)}, "
        f"median {median:,.0f} days.",
        empty=None if to_license else f"No technology was first licensed in {period}.",
    )
# The docket runs the page's width: twelve months side by side.
if show_deadlines:
    months = dashboard.fiscal_months()
    rows = [f"FY{year}" for year in range(first_year, last_year + 1)]
    total = {(row.fiscal_year, row.month.month): 0 for row in deadlines}
    detail: dict[tuple[int, int], list[str]] = {}
    for row in deadlines:
        total[row.fiscal_year, row.month.month] += row.deadlines
        detail.setdefault((row.fiscal_year, row.month.month), []).append(
            f"{row.kind}: {row.deadlines} ({row.still_open} open)"
        )
    panel(
        "Docket: deadlines by month",
        "deadlines",
        go.Figure(
            go.Heatmap(
                x=[calendar.month_abbr[month] for month in months],
                y=rows,
                z=[
                    [total.get((year, month), 0) for month in months]
                    for year in range(first_year, last_year + 1)
                ],
                customdata=[
                    ["<br>".join(detail.get((year, month), ["none"])) for month in months]
                    for year in range(first_year, last_year + 1)
                ],
                hovertemplate="%{x} %{y}<br>%{customdata}<extra></extra>",
                colorscale="Reds",
                xgap=2,
                ygap=2,
                colorbar={"title": {"text": "Due"}},
            )
        ).update_yaxes(autorange="reversed"),
        caption="Deadlines of live cases and license obligations by the month they fall "
        "due, done or not; hover for the kinds and how many are still open.",
        empty=None if deadlines else f"No deadlines fall in {period}.",
    )
else:
    with st.container(border=True):
        st.markdown("**Docket: deadlines by month**")
        st.caption("The docket is shown to licensing officers and the director.")

# Open cases against the office's service-level targets, today (tlo/disclosures/targets.py).
with ui.reading() as session:
    loads = targets.stage_loads(session, actor=ui.actor())
with st.container(border=True):
    st.markdown("**Open cases by stage, against the office's targets (today)**")
    if not loads:
        st.info("No open case is in a stage with a next step.", icon=":material/info:")
    else:

        def short(label: str) -> str:
            return "<br>".join(textwrap.wrap(label, 16))

        stages = [short(load.stage.label) for load in loads]
        figure = stacked_bars(
            [(short(load.stage.label), load.past_target, load.officer) for load in loads],
            x_title="Stage",
            y_title="Cases past target",
            hover="%{x}: %{y} past target<extra>%{fullData.name}</extra>",
        ).update_xaxes(categoryorder="array", categoryarray=list(dict.fromkeys(stages)))
        figure.update_layout(**LAYOUT)
        figure.update_layout(legend={"orientation": "h", "y": 1.12, "x": 0})
        figure.update_xaxes(tickangle=0)
        st.plotly_chart(figure, key="chart_stage_targets", config={"displayModeBar": False})
        ui.table(
            [
                {
                    "Stage": load.stage.label,
                    "Officer": load.officer,
                    "Open cases": load.cases,
                    "Past target": load.past_target,
                    "Median days in stage": round(load.median_days, 1),
                }
                for load in loads
            ],
            name="cases-by-stage-and-officer",
        )
    st.caption(
        "Every open case as it stands today, whatever the filters above: how many each "
        "officer has in each stage, how many have stayed past the stage's target (a deferred "
        "case: past its review date) and the median days in the stage. The targets are office "
        "settings."
    )

# Receivables: what licensees owe today, by how late (tlo/licensing/invoices.py).
if ui.can("invoice.read"):
    with ui.reading() as session:
        owed = invoices.aging(session, actor=ui.actor())
    with st.container(border=True):
        st.markdown("**Receivables: what licensees owe, by days past due**")
        if owed:
            receivables_view.aging_chart(owed, key="dashboard_aging")
            ui.table(
                [
                    {
                        "Licensee": row.company,
                        **{
                            label: from_cents(row.buckets[i])
                            for i, (label, _, _) in enumerate(invoices.BUCKETS)
                        },
                        "Total": from_cents(row.total_cents),
                    }
                    for row in owed
                ],
                name="Receivables aging",
                kinds={label: "money" for label, _, _ in [*invoices.BUCKETS, ("Total", 0, 0)]},
                key="dashboard_aging",
            )
        else:
            st.info("No invoice is open.", icon=":material/info:")
        st.caption(
            "Today, whatever the filters above: each open invoice's amount still to pay, by "
            "how many days it is past its due date."
        )

# The public catalogue: does it bring licensees in? (tlo/catalogue/metrics.py)
if ui.can("catalogue.figures"):
    with ui.reading() as session:
        catalogue = catalogue_metrics.figures(session, actor=ui.actor())
        catalogue_top = catalogue_metrics.by_technology(session, actor=ui.actor())
        catalogue_misses = catalogue_metrics.searches_that_found_nothing(session, actor=ui.actor())
    with st.container(border=True):
        st.markdown("**Public catalogue: views, inquiries and what they became**")
        catalogue_panel.figures_row(catalogue)
        st.caption(
            "The last 365 days, the list and search pages included; visitors are counted "
            "without cookies or personal data (a hash salted afresh each day)."
        )
        left, right = st.columns(2)
        with left:
            if catalogue_top:
                figure = go.Figure(
                    [
                        go.Bar(
                            y=[row.title[:50] for row in catalogue_top],
                            x=[row.views for row in catalogue_top],
                            name="Views",
                            orientation="h",
                            marker={"color": "#8C1515"},
                        ),
                        go.Bar(
                            y=[row.title[:50] for row in catalogue_top],
                            x=[row.inquiries for row in catalogue_top],
                            name="Inquiries",
                            orientation="h",
                            marker={"color": "#B6B1A9"},
                        ),
                    ]
                ).update_yaxes(autorange="reversed", type="category")
                figure.update_layout(**LAYOUT)
                # Below the bars: above, the legend would hide the most viewed one.
                figure.update_layout(legend={"orientation": "h", "y": -0.22, "x": 0})
                st.plotly_chart(figure, key="chart_catalogue", config={"displayModeBar": False})
                st.caption("The ten most viewed published technologies and their inquiries.")
            else:
                st.info("Nothing is published in the catalogue yet.", icon=":material/info:")
        with right:
            st.markdown("Searches that found nothing (90 days)")
            if catalogue_misses:
                ui.table(
                    [{"Search": words, "Times": count} for words, count in catalogue_misses],
                    name="catalogue-searches-found-nothing",
                )
            else:
                st.caption("Every search found something.")
