// The letters' rich-text editor (TipTap's StarterKit without code, links or strike-through):
// paragraphs, two heading levels, bold, italic, underline, lists. A labelled toolbar in Danish
// (role="toolbar", each button says what it does and whether it is on), the text area itself
// a labelled multi-line textbox. The HTML it gives is cleaned again on the server (nh3), so
// what the editor allows is a convenience, not the guard.
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useImperativeHandle, type Ref } from 'react';

export type RichTextHandle = { insert: (text: string) => void; focus: () => void };

type Tool = {
  label: string;
  text: string;
  active: (e: Editor) => boolean;
  run: (e: Editor) => void;
};

const TOOLS: Tool[] = [
  {
    label: 'Overskrift',
    text: 'Overskrift',
    active: (e) => e.isActive('heading', { level: 2 }),
    run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
  },
  { label: 'Fed', text: 'F', active: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
  { label: 'Kursiv', text: 'K', active: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
  {
    label: 'Understreget',
    text: 'U',
    active: (e) => e.isActive('underline'),
    run: (e) => e.chain().focus().toggleUnderline().run(),
  },
  {
    label: 'Punktliste',
    text: 'Punktliste',
    active: (e) => e.isActive('bulletList'),
    run: (e) => e.chain().focus().toggleBulletList().run(),
  },
  {
    label: 'Nummereret liste',
    text: 'Nummereret liste',
    active: (e) => e.isActive('orderedList'),
    run: (e) => e.chain().focus().toggleOrderedList().run(),
  },
];

export function RichText({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  readOnly = false,
  ref,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (html: string) => void;
  error?: string;
  hint?: string;
  readOnly?: boolean;
  ref?: Ref<RichTextHandle>;
}) {
  const labelId = `${id}-label`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const editor = useEditor({
    extensions: [StarterKit.configure({ code: false, codeBlock: false, link: false, strike: false, heading: { levels: [2, 3] } })],
    content: value,
    editable: !readOnly,
    immediatelyRender: true,
    editorProps: {
      attributes: {
        id,
        class: 'rich-text-content',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-labelledby': labelId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': 'true' } : {}),
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.getHTML()),
  });
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => (e ? TOOLS.map((t) => t.active(e)) : TOOLS.map(() => false)),
  });

  useEffect(() => {
    editor?.setEditable(!readOnly);
  }, [editor, readOnly]);

  useImperativeHandle(
    ref,
    () => ({
      insert: (text: string) => editor?.chain().focus().insertContent(text).run(),
      focus: () => editor?.commands.focus(),
    }),
    [editor],
  );

  return (
    <div className={`form-group rich-text ${error ? 'form-error' : ''}`.trim()}>
      <span className="form-label" id={labelId}>
        {label}
      </span>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="form-error-message" id={errorId}>
          <span className="sr-only">Fejl: </span>
          {error}
        </span>
      ) : null}
      {readOnly ? null : (
        <div role="toolbar" aria-label={`Formatering af ${label.toLowerCase()}`} aria-controls={id} className="rich-text-toolbar">
          {TOOLS.map((t, i) => (
            <button
              key={t.label}
              type="button"
              className="button button-secondary rich-text-tool"
              aria-label={t.label}
              aria-pressed={active?.[i] ?? false}
              title={t.label}
              onClick={() => editor && t.run(editor)}
            >
              {t.text}
            </button>
          ))}
        </div>
      )}
      <EditorContent editor={editor} className="rich-text-frame" />
    </div>
  );
}
