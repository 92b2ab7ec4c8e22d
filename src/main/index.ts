// Electron entry point: the desktop shell lives in ./app (the only place that imports electron).
import './app/main'
