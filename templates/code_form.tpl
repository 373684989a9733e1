{{%AUTOESCAPE context="HTML"}}<p>We are calling <strong>{{MASKED_NUMBER}}</strong>. Answer the call and type the {{TOKEN_LENGTH}}-digit code you hear.</p>
<form action="/EnterCode/{{VERIFY_ID}}" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<label for="token">Enter your verification code:</label>
<input id="token" name="token" type="text" autocomplete="one-time-code" inputmode="numeric" maxlength="16" required>
<button type="submit">Check code</button>
</form>
<p class="aside">No call? <a href="/">Start again with your number</a>.</p>
