/**
 * A password someone chooses: at least 12 characters, as the API requires (length, not
 * composition, after NIST SP 800-63B), and marked so that password managers offer one.
 */
export function NewPasswordField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        autoComplete="new-password"
        minLength={12}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
      />
    </label>
  );
}
