export function Pinned({ variable }: { variable: string }) {
  return (
    <p className="note small">
      Set by <code>{variable}</code> in the environment; change it there and restart Duck.
    </p>
  )
}
