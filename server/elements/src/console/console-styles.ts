import { css } from "lit";

/** The console's frame: a header with the organisation switcher, the pages' navigation, and the page. */
export const consoleStyles = css`
  :host {
    /* Its own block formatting context: a child's margin must not push the background down. */
    display: flow-root;
    min-height: 100vh;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem 1rem;
    align-items: center;
    padding: 0.5rem 1rem;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  header label {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0;
  }
  .brand {
    font-weight: 700;
    font-size: 1.1em;
    margin-inline-end: auto;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(10rem, 14rem) 1fr;
  }
  @media (max-width: 40rem) {
    .layout {
      grid-template-columns: 1fr;
    }
  }
  nav ul {
    list-style: none;
    margin: 0;
    padding: 1rem 0.5rem;
    display: grid;
    gap: 0.25rem;
  }
  nav a {
    display: block;
    min-height: 24px;
    padding: 0.4rem 0.75rem;
    border-radius: var(--_radius);
    color: var(--_text);
    text-decoration: none;
  }
  nav a:hover {
    text-decoration: underline;
  }
  nav a[aria-current="page"] {
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  main {
    padding: 1rem 1.5rem;
    min-width: 0;
  }
  main h1 {
    font-size: 1.4em;
    margin: 0 0 1rem;
  }
  main h1:focus {
    outline: none;
  }
`;
