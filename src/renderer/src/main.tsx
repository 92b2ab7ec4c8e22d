import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { startMainWindow } from './store/boot'
import './styles/tokens.css'
import './styles/app.css'
import './styles/controls.css'
import './styles/chat.css'
import './styles/markdown.css'
import './styles/dialogs.css'
import './styles/views.css'
import './styles/tools.css'

const root = document.getElementById('root')
if (!root) throw new Error('The page has no #root element.')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>
)
startMainWindow()
