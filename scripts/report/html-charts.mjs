// The browser half of the html report (scripts/report/html.mjs): draws the five charts with
// Chart.js. It runs in the page, not in Node: html.mjs embeds `drawCharts` with Function#toString,
// so it must use nothing from this module's scope, only the page's globals (window.Chart and the
// formatUsd / formatCount / formatRatio that html.mjs defines next to it).

/** Draws the charts whose canvas exists, then sets `window.__reportReady`. */
export function drawCharts(report, palette) {
  const Chart = window.Chart;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.color = '#1f2328';
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const c = report.charts;
  const teams = [
    ...new Set([
      ...c.spendByTeamDaily.series.map((s) => s.team),
      ...c.cacheHitRatio.byTeam.map((t) => t.team),
      ...c.topDevelopers.map((d) => d.team),
      ...c.blocked.map((b) => b.team),
    ]),
  ].filter((t) => t !== null && t !== undefined);
  const teamColor = (team) => palette[Math.max(0, teams.indexOf(team)) % palette.length];
  const usdTicks = { callback: (v) => formatUsd(v) };
  const tooltip = (format) => ({
    callbacks: {
      label: (ctx) => `${ctx.dataset.label || ctx.label}: ${format(ctx.raw)}`,
    },
  });
  const draw = (id, config) => {
    const canvas = document.getElementById('chart-' + id);
    if (canvas) new Chart(canvas, config);
  };
  const devLabel = (d) => (d.team ? `${d.developer} (${d.team})` : d.developer);
  // Developer ids are free text: long ones are cut on the axis (tooltips show them whole).
  const devTicks = {
    callback(value) {
      const label = this.getLabelForValue(value);
      return label.length > 28 ? label.slice(0, 27) + '…' : label;
    },
  };

  draw('spend-by-team', {
    type: 'bar',
    data: {
      labels: c.spendByTeamDaily.days,
      datasets: c.spendByTeamDaily.series.map((s) => ({
        label: s.team,
        data: s.usd,
        backgroundColor: teamColor(s.team),
      })),
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, ticks: usdTicks } },
      plugins: { tooltip: tooltip(formatUsd) },
    },
  });
  draw('top-developers', {
    type: 'bar',
    data: {
      labels: c.topDevelopers.map(devLabel),
      datasets: [
        {
          label: 'USD',
          data: c.topDevelopers.map((d) => d.usd),
          backgroundColor: c.topDevelopers.map((d) => teamColor(d.team)),
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { ticks: usdTicks }, y: { ticks: devTicks } },
      plugins: { legend: { display: false }, tooltip: tooltip(formatUsd) },
    },
  });
  // By spend; by calls when nothing cost anything (a doughnut of zeros draws nothing).
  const byUsd = c.tierMix.some((t) => t.usd > 0);
  draw('tier-mix', {
    type: 'doughnut',
    data: {
      labels: c.tierMix.map((t) => `${t.tier} (${formatCount(t.calls)} calls)`),
      datasets: [
        {
          label: byUsd ? 'USD' : 'calls',
          data: c.tierMix.map((t) => (byUsd ? t.usd : t.calls)),
          backgroundColor: c.tierMix.map(
            (_, i) => palette[(palette.length - 1 - i) % palette.length],
          ),
        },
      ],
    },
    options: {
      plugins: {
        legend: { position: 'right' },
        tooltip: tooltip(byUsd ? formatUsd : formatCount),
      },
    },
  });
  draw('cache-hit', {
    type: 'bar',
    data: {
      labels: ['All teams', ...c.cacheHitRatio.byTeam.map((t) => t.team)],
      datasets: [
        {
          label: 'Cache hit ratio',
          data: [c.cacheHitRatio.overall, ...c.cacheHitRatio.byTeam.map((t) => t.ratio)],
          backgroundColor: ['#1f2328', ...c.cacheHitRatio.byTeam.map((t) => teamColor(t.team))],
        },
      ],
    },
    options: {
      scales: { y: { min: 0, max: 1, ticks: { callback: (v) => formatRatio(v) } } },
      plugins: { legend: { display: false }, tooltip: tooltip(formatRatio) },
    },
  });
  draw('blocked', {
    type: 'bar',
    data: {
      labels: c.blocked.map(devLabel),
      datasets: [
        { label: 'Spent', data: c.blocked.map((b) => b.spentUsd), backgroundColor: '#D55E00' },
        { label: 'Cap', data: c.blocked.map((b) => b.capUsd), backgroundColor: '#8c959f' },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { ticks: usdTicks }, y: { ticks: devTicks } },
      plugins: { tooltip: tooltip(formatUsd) },
    },
  });
  // Printing: redraw at the paper's width, then back.
  const resizeAll = () => Object.values(Chart.instances).forEach((chart) => chart.resize());
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
  window.__reportReady = true;
}
