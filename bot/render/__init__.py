"""What people read and download: the method's results as HTML, charts and the plan's PDF."""
