// ESLint 9 flat config for the PWA: typescript-eslint's recommended rules and the
// React hooks rules. Run with `npm run lint` (part of `just lint`, hence `just test`).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "dev-dist", "node_modules", "src/api/schema.d.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.serviceworker },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Switched off because the pattern is deliberate and widespread, not a bug:
      // - set-state-in-effect: screens reset their loading state when the request key changes
      //   (useApi, useLoad and ~12 screens); conventions.md §21 moves server state to one
      //   library, which removes the pattern; rewriting each screen now would collide with that.
      // - refs: the "latest callback" ref (ref.current = callback during render, read in an
      //   effect) in Drift.tsx and ics/useAutosave.ts.
      "react-hooks/set-state-in-effect": "off",
      "react-hooks/refs": "off",
      // tsc's noUnusedLocals already reports unused names; `_`-names and rest siblings are
      // how a field is left out of an object (`const { key: _gone, ...rest } = errors`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs", "*.config.{js,ts}"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
