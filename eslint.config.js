// ESLint flat config for the hub's browser modules (native ES modules, no bundler).
// Run: npx eslint kuanxian/hub/static/js
import js from "@eslint/js";
import globals from "globals";

const noHtmlSinks = [
  { object: "document", property: "write", message: "Build nodes with shared/dom.js; never write HTML." },
];

export default [
  { ignores: ["kuanxian/hub/static/vendor/**", "node_modules/**"] },
  js.configs.recommended,
  {
    files: ["kuanxian/hub/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      curly: ["error", "multi-line"],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-properties": ["error", ...noHtmlSinks],
      // Text-only rendering: data never goes through an HTML parser.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]",
          message: "Use textContent or shared/dom.js; never innerHTML/outerHTML.",
        },
        {
          selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|createContextualFragment|setHTMLUnsafe)$/]",
          message: "Build nodes with shared/dom.js; never parse HTML.",
        },
      ],
      "max-lines": ["error", { max: 450, skipBlankLines: false, skipComments: false }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
