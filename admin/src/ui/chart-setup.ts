/**
 * Chart.js, registered with only what the console draws (bars, lines, points, two scales, the
 * tooltip and legend): tree-shaken, and loaded after the page's figures, which are text.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);
// Screenshots and tests read a settled chart; nobody misses the animation in a dashboard.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#374151';

export { Chart };
